# SPDX-License-Identifier: GPL-2.0
#
# Tests of host_test.sh (sourced by it, after apply_tests.sh): bash
# completion of vmsched, as bash runs it (complete -p, the function called
# with COMP_WORDS), against a stub vmsched on PATH that prints canned JSON
# for -j and, for anything else, text that must never be offered ("no VMs
# are running"); then against vmsched itself on the fake device.
#   completion   commands, abbreviations, options; policy, VM and
#                parameter names from -j output only; pool subcommands,
#                -P with pool names from pool list -j

COMPLETION_TESTS=(completion)

BASH_COMPLETION_LIB=${BASH_COMPLETION_LIB:-/usr/share/bash-completion/bash_completion}

# a vmsched that answers -j list, -j list -v and -j stats -s; text otherwise
completion_stub() {
	mkdir -p "$TMP/stub"
	cat > "$TMP/stub/vmsched" <<'STUB'
#!/bin/bash
echo "$*" >> "${0%/*}/calls"
case "$*" in
"-j list")
	echo '[{"active":true,"name":"alpha","description":"no VMs here: \"quoted\" {x} [y], \\ ok"},{"active":false,"name":"beta","description":"b"}]' ;;
"-j list -v")
	echo '[{"active":true,"name":"alpha","description":"a, \"name\":\"evil\"","params":[{"name":"slice","scope":"global","unit":"time","min":1,"max":9,"default":5,"help":"time slice"},{"name":"weight","scope":"vm","unit":"integer","min":1,"max":9,"default":5,"help":"share"},{"name":"cap","scope":"vm","unit":"percent","min":0,"max":9,"default":0,"help":"limit"},{"name":"boost","scope":"vcpu","unit":"integer","min":0,"max":1,"default":0,"help":"x"}]},{"active":false,"name":"beta","description":"b","params":[{"name":"quantum","scope":"global","unit":"time","min":1,"max":9,"default":5,"help":"q"},{"name":"prio","scope":"vm","unit":"integer","min":0,"max":7,"default":4,"help":"p"}]}]' ;;
"-j pool list")
	echo '[{"name":"default","cpus":"0,2-3","policy":null},{"name":"lat","cpus":"1","policy":"alpha"}]' ;;
"-j stats -s")
	echo '{"now_ns":5,"interval_ns":0,"vms":[{"name":"web","pid":100,"cpu_pct":1.00,"vcpus":[{"tid":1001,"vcpu":0,"state":"running"},{"tid":1002,"vcpu":1,"state":"blocked"}]},{"name":"db","pid":200,"vcpus":[{"tid":2001,"vcpu":0,"state":"blocked"}]}]}' ;;
*)
	echo "no VMs are running"; echo "* no policy" ;;
esac
STUB
	chmod +x "$TMP/stub/vmsched"
}

# comp LINE: what completing at the end of LINE offers, sorted, one line
comp() {
	PATH="$TMP/stub:$PATH" bash --norc --noprofile -c '
		. "$1" || exit 9
		. "$2" || exit 9
		complete -p vmsched > /dev/null || exit 8
		compopt() { :; }	# only bash calling a completion function has it
		read -ra COMP_WORDS <<< "$3"
		[[ $3 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$3 COMP_POINT=${#3}
		_vmsched vmsched "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | xargs
	' comp "$BASH_COMPLETION_LIB" "$TOOL/vmsched.bash-completion" "$1"
}

# want LINE WORDS: completing LINE offers exactly WORDS
want() {
	local got
	got=$(comp "$1")
	[ "$got" = "$2" ] || fail "\"$1<TAB>\" offers \"$got\", want \"$2\""
}

t_completion() {
	[ -r "$BASH_COMPLETION_LIB" ] || { info "no bash-completion ($BASH_COMPLETION_LIB)"; return 2; }
	completion_stub
	PATH="$TMP/stub:$PATH" bash --norc --noprofile -c \
		". '$BASH_COMPLETION_LIB'; . '$TOOL/vmsched.bash-completion'; complete -p vmsched" |
		grep -qx 'complete -F _vmsched vmsched' || fail "complete -p vmsched: not _vmsched"
	want "vmsched " "activate apply deactivate get help list metrics pool set stats status top version"
	want "vmsched st" "stats status"
	want "vmsched activate " "alpha beta"
	want "vmsched activate b" "beta"
	want "vmsched activate beta " "quantum="
	want "vmsched activate alpha s" "slice="
	want "vmsched -j activate alpha " "slice="
	want "vmsched set " "help vcpu vm"
	want "vmsched set vm " "100 200 db web"
	want "vmsched set vm web " "cap= weight="
	want "vmsched set vm web weight=5 c" "cap="
	want "vmsched set vcpu " "100:0 100:1 200:0 db:0 web:0 web:1"
	want "vmsched set vcpu web:" "0 1"	# bash replaces what follows the colon
	want "vmsched set vcpu web:1 " "boost="
	want "vmsched get vm " "100 200 db web"
	want "vmsched get vm web " ""
	want "vmsched stats " "100 200 db web"
	want "vmsched stats -s d" "db"
	# abbreviations of what changes nothing, as vmsched takes them
	want "vmsched g vm " "100 200 db web"
	want "vmsched li -" "--help --json --pretty --verbose --version -V -h -j -p -v"
	want "vmsched get vc " "100:0 100:1 200:0 db:0 web:0 web:1"
	# ... and none of what changes the host, nor of an ambiguous word
	want "vmsched act " ""
	want "vmsched set vc web:0 " ""
	want "vmsched s " ""
	want "vmsched stat " ""
	# pools
	want "vmsched pool " "add del help list move"
	want "vmsched pool l" "list"
	want "vmsched pool del " "default lat"
	want "vmsched pool move " "100 200 db web"
	want "vmsched pool move web " "default lat"
	want "vmsched pool add lat 1 " "alpha beta"
	want "vmsched pool add lat 1 beta " "quantum="
	want "vmsched pool add lat " ""
	want "vmsched pool mo " ""
	want "vmsched -P " "default lat"
	want "vmsched --pool l" "lat"
	want "vmsched -P lat set vm " "100 200 db web"
	want "vmsched stats --p" "--pool --pretty"
	# options
	want "vmsched list -" "--help --json --pretty --verbose --version -V -h -j -p -v"
	want "vmsched apply --c" "--check"
	# the text output is never asked for
	grep -v -- '^-j ' "$TMP/stub/calls" && fail "completion ran vmsched without -j"
	# the same JSON paths in what vmsched prints (through the fake device)
	fake_begin web
	expect 0 "" activate alpha
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$VMSCHED" > "$TMP/stub/vmsched"
	want "vmsched activate " "alpha beta"
	want "vmsched activate beta " "quantum="
	want "vmsched set vm " "${FAKE_PID[web]} web"
	want "vmsched set vm web " "cap= weight="
	want "vmsched set vcpu " "${FAKE_PID[web]}:0 web:0"
	fake_end
}
