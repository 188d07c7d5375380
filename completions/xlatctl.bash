# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for xlatctl(8); installed as
# /usr/share/bash-completion/completions/xlatctl.

# The instance names and interfaces xlatd knows (root only: the control
# socket is), else the system's interfaces.
_xlatctl_targets()
{
	local sock=$1 names
	names=$(xlatctl ${sock:+-s "$sock"} status --json 2>/dev/null |
		grep -oE '"(name|uplink|tun)":"[^"]*"' | cut -d'"' -f4 | sort -u)
	[ -n "$names" ] || names=$(ls /sys/class/net 2>/dev/null)
	printf '%s\n' $names
}

_xlatctl()
{
	local cur prev cmd sock i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}

	case $prev in
	-s)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	-o | --output)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-s) sock=${COMP_WORDS[i + 1]}; i=$((i + 1)) ;;
		-o | --output) i=$((i + 1)) ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd=${COMP_WORDS[i]} ;;
		esac
	done
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "status counters metrics ipv6-only-preferred -s -h --help" -- "$cur"))
		;;
	status | counters)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-v --verbose --json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_xlatctl_targets "$sock")" -- "$cur"))
		fi
		;;
	metrics)
		COMPREPLY=($(compgen -W "--output" -- "$cur"))
		;;
	ipv6-only-preferred)
		COMPREPLY=($(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"))
		;;
	esac
}
complete -F _xlatctl xlatctl
