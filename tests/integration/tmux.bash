# tmux.bash - a terminal for tests: a tmux server inside the test's sandbox
# (loaded by tty.bats and api_helpers.bash).

# tmx ARG...: tmux on this test's server (inside the sandbox).
tmx() {
	"$SANDBOX" exec "$SB" tmux -S "$SB/tmux.sock" "$@" 3>&-
}

# tmux_start: a detached 100x30 session "t" running a bare bash.
tmux_start() {
	tmx -f /dev/null new-session -d -s t -x 100 -y 30 \
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm HOME=/root \
		PS1='host$ ' bash --norc --noprofile
	tmx set-option -g status off
	wait_for 10 pane_has 'host\$'
}

# pane: what the pane shows now (joined lines, with history).
pane() { tmx capture-pane -p -J -t t -S -200; }

# pane_has REGEX: the pane shows a line matching REGEX (extended).
pane_has() { pane | grep -Eq -- "$1"; }

# type_line TEXT: type TEXT and Enter into the pane.
type_line() {
	tmx send-keys -t t -l -- "$1"
	tmx send-keys -t t Enter
}

# pane_size: "ROWS COLS" of the pane (what stty size must say).
pane_size() { tmx display-message -p -t t '#{pane_height} #{pane_width}'; }
