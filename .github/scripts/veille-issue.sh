#!/usr/bin/env bash
# One issue for the weekly watch: opened the first time, then updated; closed when all is well.
#   veille-issue.sh REPORT_FILE      (GitHub CLI authenticated by the workflow's token)
set -euo pipefail
report="$1"
label="veille"
gh label create "$label" --force --color c5def5 --description "Liens morts et fiches à actualiser" >/dev/null
number=$(gh issue list --label "$label" --state open --json number --jq '.[0].number // empty')
if [ ! -s "$report" ]; then
  if [ -n "$number" ]; then gh issue close "$number" --comment "Plus rien à signaler cette semaine."; fi
  exit 0
fi
if [ -n "$number" ]; then
  gh issue edit "$number" --body-file "$report"
else
  gh issue create --title "Veille : liens morts et fiches à actualiser" --label "$label" --body-file "$report"
fi
