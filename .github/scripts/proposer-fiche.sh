#!/usr/bin/env bash
# A submitted « Proposer une fiche » form becomes a fiche on a branch and a pull request that
# credits the person who filled the form; otherwise the French problem list goes back to the issue.
#   proposer-fiche.sh ISSUE_NUMBER GITHUB_LOGIN BODY_FILE
# Needs git and the GitHub CLI (gh, authenticated by the workflow's token).
set -euo pipefail
issue="$1"; login="$2"; body="$3"
cd "$(git rev-parse --show-toplevel)"

if ! out=$(.venv/bin/commons-wiki depuis-formulaire "$body" --auteur "$login"); then
  printf '%s\n' "$out" > /tmp/commentaire.md
  gh issue comment "$issue" --body-file /tmp/commentaire.md
  exit 0    # the contributor has an answer: the workflow itself did its job
fi
fiche="$out"                       # fiches/<territoire>.md
branch="fiche/issue-$issue"
git switch -c "$branch"
git add "$fiche"
git -c user.name="commons-wiki" -c user.email="commons-wiki@users.noreply.github.com" \
  commit -q -m "Add $fiche (proposed in #$issue)" \
  --author="$login <$login@users.noreply.github.com>"
git push -q origin "$branch"
gh pr create --head "$branch" --title "Nouvelle fiche : $(basename "$fiche" .md)" --body \
"Fiche proposée par @$login avec le formulaire « Proposer une fiche » (#$issue). Merci !

Closes #$issue"
gh issue comment "$issue" --body "Merci @$login ! Votre fiche est prête à être relue : $fiche, dans une proposition de modification (pull request) liée à cette demande."
