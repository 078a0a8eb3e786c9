# bash completion for weft. Commands, flags and scenario names come from weft
# itself (`weft --help`, `weft COMMAND --help`, `weft list`) when you press
# Tab, so they are always the installed weft's own.
_weft() {
  local cur prev
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local weft=${COMP_WORDS[0]}

  if [[ $COMP_CWORD -eq 1 ]]; then
    local commands
    commands=$("$weft" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p')
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
    return
  fi

  local command=${COMP_WORDS[1]} i
  # After `--` (record, explore): the program, then its own arguments.
  for ((i = 2; i < COMP_CWORD; i++)); do
    if [[ ${COMP_WORDS[i]} == -- ]]; then
      if [[ $i -eq $((COMP_CWORD - 1)) ]]; then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      return
    fi
  done

  local help
  help=$("$weft" "$command" --help 2>/dev/null)
  # A flag's argument, as its help line spells it: "  -o,--output FILE|-  ..."
  # gives FILE|-, "  --format text|json|sarif  ..." gives the values.
  if [[ $prev == -* ]]; then
    local arg
    arg=$(printf '%s\n' "$help" | awk -v flag="$prev" '/^ *-/ {
        n = split($1, names, ",")
        for (i = 1; i <= n; i++)
          if (names[i] == flag) {
            if (match($0, /^ *[^ ]+ [^ ]+/)) { split(substr($0, RSTART, RLENGTH), parts, " "); print parts[2] }
            exit
          }
      }')
    case $arg in
      "") ;;  # a flag without an argument: complete as usual
      [a-z]*) COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur")); return ;;
      *FILE* | *DIR* | *TRACE* | *.png) COMPREPLY=($(compgen -f -- "$cur")); return ;;
      *) COMPREPLY=(); return ;;  # a number, a range: nothing to offer
    esac
  fi
  if [[ $cur == -* ]]; then
    local flags
    flags=$(printf '%s\n' "$help" | grep -oE -- '(^|[][ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[][ ,]//' | sort -u)
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case $command in
    run | explore)
      local names
      names=$("$weft" list 2>/dev/null | sed -n '2,$s/^\([a-z0-9][a-z0-9-]*\) .*/\1/p')
      COMPREPLY=($(compgen -W "$names" -- "$cur"))
      ;;
    record)
      COMPREPLY=($(compgen -c -- "$cur"))
      ;;
    *)
      # Traces, and directories to find them in.
      COMPREPLY=($(compgen -f -X '!*.weft' -- "$cur") $(compgen -d -- "$cur"))
      ;;
  esac
}
complete -o filenames -F _weft weft
