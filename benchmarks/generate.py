"""Generate N synthetic, VALID fiches of realistic size, for the benchmark and the scale tests.

The 15 real fiches are the model: same fields, similar list sizes (1–4 objectives, 1–3 items in
each part of the bilan, 1–7 financial lines, 2–16 thematiques), a body of 1,500–3,600 characters
with « ## Contexte » and « ## La démarche ». Régions and départements come from the project's own
referentials, so every generated fiche passes ``commons_wiki.catalogue.load_catalogue``.
The output is deterministic for a given seed; titles, territories and file names are unique.

    python benchmarks/generate.py 500 --root /tmp/copy --seed 1            # replaces the fiches
    python benchmarks/generate.py 500 --root /tmp/copy --keep-existing     # adds to them
"""
from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from pathlib import Path

import yaml

from commons_wiki.text import slugify

# --- vocabulary ------------------------------------------------------------------------------

NAME_ROOTS = ["Beau", "Roche", "Châtel", "Fonte", "Val", "Mont", "Ker", "Plou", "Lan", "Ville", "Font", "Cour",
              "Bois", "Champ", "Pré", "Marc", "Aubi", "Berne", "Cler", "Dom", "Esca", "Fleur", "Gran", "Haut",
              "Join", "Lavau", "Mais", "Neuf", "Orge", "Pont", "Quin", "Rive", "Sauve", "Tour", "Vau", "Vil",
              "Belle", "Roque", "Case", "Plan", "Mer", "Saule", "Chêne", "Noyer", "Bram", "Cha", "Gué", "Lor"]
NAME_ENDS = ["fort", "mont", "ville", "court", "ac", "an", "ières", "elle", "ois", "ay", "igny", "euil", "ouze",
             "vert", "bourg", "champ", "lieu", "ette", "eix", "as", "argues", "ol", "heim", "dorf", "ec", "ern",
             "oux", "ine", "aize", "ane", "oire", "ilhac", "ignan", "y", "é", "ès"]
NAME_TAILS = ["-sur-Loire", "-en-Vercors", "-les-Bains", "-le-Château", "-d'Auge", "-sur-Mer", "-en-Forez",
              "-la-Forêt", "-sous-Bois", "-sur-Dordogne", "-du-Lac", "-en-Argonne", "-les-Vignes", "-le-Vieux",
              "-sur-Lot", "-en-Bresse", "-la-Rivière", "-de-Provence", "-sur-Aveyron", "-en-Morvan"]
SAINTS = ["Saint-", "Sainte-", "Saint-Martin-de-", "Notre-Dame-de-"]

# (echelle, share, population range, how the territory is named, porteur)
ECHELLES = [
    ("commune", 0.66, (60, 25000), "{n}", "Commune {de_n}"),
    ("communaute-de-communes", 0.14, (4000, 60000), "Terres {de_n}", "Communauté de communes Terres {de_n}"),
    ("communaute-d-agglomeration", 0.04, (30000, 150000), "Agglomération {de_n}", "Communauté d'agglomération {de_n}"),
    ("petr", 0.06, (15000, 120000), "PETR du pays {de_n}", "PETR du pays {de_n}"),
    ("pays", 0.05, (10000, 90000), "Pays {de_n}", "Association du Pays {de_n}"),
    ("parc-naturel-regional", 0.04, (20000, 200000), "Parc naturel régional {de_n}", "Syndicat mixte du PNR {de_n}"),
    ("departement", 0.01, (80000, 600000), "Département {n}", "Conseil départemental {n}"),
]

INITIATIVES = {
    "mobilite": ["L'autopartage solidaire", "Le transport à la demande", "Le covoiturage du quotidien",
                 "Les vélos électriques en location", "La navette des marchés"],
    "tiers-lieu": ["Le tiers-lieu", "La fabrique de territoire", "L'espace de coworking", "Le café associatif"],
    "alimentation": ["L'épicerie paysanne", "Le projet alimentaire", "La cantine en circuit court",
                     "Les paniers de producteurs"],
    "energie": ["La centrale solaire citoyenne", "Le réseau de chaleur bois", "La rénovation énergétique accompagnée"],
    "outils-numeriques": ["L'application des habitants", "La plateforme de services en ligne",
                          "Le réseau de capteurs communal", "Les conseillers numériques"],
    "participation-citoyenne": ["Le budget participatif", "L'assemblée citoyenne", "Les ateliers de quartier"],
    "accueil-services": ["La maison France Services", "L'accueil des nouveaux habitants", "La conciergerie rurale"],
    "culture": ["L'école de musique itinérante", "La médiathèque tiers-lieu", "Le festival de village"],
    "environnement": ["L'atlas de la biodiversité", "Les jardins partagés", "La gestion différenciée des espaces verts"],
    "logement": ["L'habitat partagé", "La résidence intergénérationnelle", "Les logements passerelles"],
    "economie": ["La pépinière d'entreprises", "La monnaie locale", "Le commerce multiservice"],
    "formation": ["L'école du numérique", "Le campus connecté", "Les formations itinérantes"],
    "inclusion": ["La médiation numérique mobile", "Le réseau des aidants", "Le bus des services"],
}
THEMES = ["accueil-services", "agriculture", "alimentation", "cooperation-recherche-innovation", "culture", "economie",
          "energie", "environnement", "foret", "formation", "inclusion", "logement", "mobilite", "outils-numeriques",
          "participation-citoyenne", "quartier-revitalisation", "territoire-espace", "tiers-lieu"]
PRINCIPES = ["cooperation", "participation", "numerique", "soutenable", "communs"]
SUPRA = ["Région {region}", "Département {dep}", "État (programme Petites villes de demain)", "Banque des Territoires",
         "ADEME", "Réseau rural national", "Agence nationale de la cohésion des territoires (ANCT)",
         "Réseau France Tiers-Lieux", "Groupe d'action locale LEADER", "Parc naturel régional voisin",
         "Chambre d'agriculture", "Syndicat départemental d'énergie"]
LOCAUX = ["Commune {de_n}", "Les associations locales", "Le comité des fêtes", "Les commerçants du bourg",
          "L'école et les parents d'élèves", "Le centre social intercommunal", "Les habitants bénévoles",
          "La maison de santé", "Les agriculteurs du secteur", "Le club des aînés", "La médiathèque",
          "Les artisans du territoire"]
PUBLICS = ["Les habitants {de_n} et des communes voisines", "Les personnes âgées isolées", "Les jeunes de 15 à 25 ans",
           "Les familles nouvellement installées", "Les demandeurs d'emploi", "Les porteurs de projets",
           "Les entreprises et les artisans", "Les associations du territoire", "Les touristes et les saisonniers",
           "Les agriculteurs et les producteurs"]
HUMAINS = ["Un agent communal à mi-temps pour coordonner le projet", "Deux salariés de l'association (1,6 ETP)",
           "Une quinzaine de bénévoles actifs", "La secrétaire de mairie, quelques heures par mois",
           "Un chargé de mission de l'intercommunalité (0,5 ETP)", "Un service civique pendant huit mois",
           "Les élus de la commission concernée"]
TECHNIQUES = ["Une plateforme de réservation en ligne", "Un local communal rénové", "Des ordinateurs reconditionnés",
              "Un véhicule électrique", "Une salle équipée pour la visioconférence", "Des capteurs connectés"]
PARTENAIRES = ["Un bureau d'études en ingénierie participative", "Le réseau régional des tiers-lieux",
               "Une coopérative de services numériques", "L'agence départementale d'ingénierie",
               "L'université la plus proche", "Une association d'éducation populaire"]
FUNDERS = ["Région {region}", "Département {dep}", "FEADER", "FEDER", "ADEME", "Banque des Territoires",
           "État (DETR)", "État (France Relance)", "Fondation de France", "Commune {de_n}"]
FIN_LABELS = ["Coût total du projet", "Investissement : travaux et équipements", "Subvention de fonctionnement",
              "Autofinancement", "Fonctionnement annuel (animation, assurance, entretien)",
              "Étude préalable et accompagnement", "Achat de matériel", "Financement participatif"]
BILAN = {
    "resultats": ["{k} personnes utilisent le service chaque mois.", "Une vingtaine d'événements ont été organisés la première année.",
                  "Le lieu est ouvert cinq jours sur sept.", "{k} foyers ont adhéré à la démarche.",
                  "Trois emplois ont été créés sur le territoire.",
                  "Les habitants se sont approprié le projet et en proposent des suites."],
    "difficultes": ["Trouver des financements de fonctionnement une fois l'investissement réalisé.",
                    "Mobiliser au-delà du premier cercle de bénévoles.", "La couverture numérique reste inégale selon les hameaux.",
                    "Le portage administratif a pesé sur une petite équipe municipale.",
                    "La crise sanitaire a retardé l'ouverture de plusieurs mois."],
    "facteurs_reussite": ["Un élu référent disponible et convaincu.", "L'association des habitants dès la conception.",
                          "Un partenariat solide avec l'intercommunalité.", "Des résultats visibles rapidement.",
                          "L'appui d'un réseau qui a partagé ses outils."],
    "points_vigilance": ["Prévoir dès le départ le financement du fonctionnement.", "Ne pas sous-estimer le temps d'animation.",
                         "Former les usagers et les agents aux outils.", "Évaluer régulièrement et ajuster le service.",
                         "Documenter la démarche pour qu'elle serve à d'autres."],
}
OBJECTIFS = ["Maintenir les services du quotidien au plus près des habitants.", "Réduire la dépendance à la voiture individuelle.",
             "Faire participer les habitants aux décisions qui les concernent.", "Créer un lieu de rencontre entre les générations.",
             "Accueillir de nouveaux habitants et de nouvelles activités.", "Diminuer les consommations d'énergie du patrimoine communal.",
             "Rendre les outils numériques accessibles à tous.", "Soutenir l'économie et les commerces du bourg.",
             "Valoriser les productions agricoles locales.", "Partager les données et les outils produits avec d'autres territoires."]

CONTEXT_SENTENCES = [
    "{n} compte {pop} habitants et a perdu une partie de ses commerces au cours des vingt dernières années.",
    "Le territoire est éloigné des grands axes : la première gare se trouve à plus de trente kilomètres.",
    "Beaucoup d'habitants travaillent dans les bassins d'emploi voisins et passent chaque jour plus d'une heure sur la route.",
    "La population vieillit et les services publics se sont peu à peu regroupés dans la ville-centre.",
    "Les élus ont lancé en {y0} une réflexion avec les habitants sur l'avenir du village.",
    "Un diagnostic partagé a mis en évidence le manque de lieux où se retrouver et l'isolement de certains hameaux.",
    "Plusieurs associations portaient déjà des projets, sans toujours se connaître ni mutualiser leurs moyens.",
    "L'arrivée de la fibre optique en {y0} a ouvert de nouvelles possibilités pour le télétravail et les services en ligne.",
    "La commune dispose d'un bâtiment vacant au cœur du bourg, ancienne école ou ancien presbytère.",
    "Des habitants nouvellement installés souhaitaient s'impliquer dans la vie locale et proposer des activités.",
    "La hausse du prix de l'énergie a pesé lourd sur le budget communal et sur celui des ménages.",
    "Le département a accompagné plusieurs communes voisines dans des démarches comparables, ce qui a donné des idées.",
]
DEMARCHE_HEADINGS = ["Les premières étapes", "Associer les habitants", "Le montage du projet", "Comment fonctionne le service",
                     "Le rôle de la commune", "Les partenaires", "Le modèle économique", "Les pistes pour la suite",
                     "Un lieu pour tous", "La gouvernance", "Ce qui a changé", "Les outils numériques mobilisés"]
DEMARCHE_SENTENCES = [
    "Un premier groupe de travail a réuni élus, agents et habitants volontaires pendant plusieurs mois.",
    "Des réunions publiques ont permis de recueillir les besoins et de hiérarchiser les priorités.",
    "Le projet a été présenté au conseil municipal, qui a voté les crédits d'investissement en {y1}.",
    "Une association a été créée pour porter l'animation au quotidien, avec une convention d'objectifs signée avec la commune.",
    "Les bénévoles assurent les permanences, tandis qu'un salarié coordonne les plannings et les partenariats.",
    "Le service est ouvert à tous les habitants de l'intercommunalité, avec un tarif adapté aux revenus.",
    "Une plateforme en ligne permet de réserver, mais un accueil en mairie reste possible pour ceux qui le préfèrent.",
    "Les données recueillies sont publiées sous licence ouverte afin que d'autres territoires puissent les réutiliser.",
    "La communauté de communes a repris la compétence en {y1} et étendu le dispositif aux communes voisines.",
    "Un comité de pilotage se réunit deux fois par an pour faire le bilan et décider des évolutions.",
    "Le bâtiment a été rénové avec des matériaux biosourcés et des entreprises locales.",
    "Des ateliers de découverte du numérique sont proposés chaque semaine aux personnes qui en ont besoin.",
    "Les producteurs du secteur livrent chaque vendredi, et les commandes se font en ligne ou par téléphone.",
    "Le financement a combiné des fonds européens LEADER, une subvention régionale et une part d'autofinancement.",
    "La fréquentation a doublé en deux ans, portée par le bouche-à-oreille et la communication municipale.",
    "Les habitants peuvent proposer de nouvelles activités lors d'une assemblée ouverte chaque trimestre.",
    "La commune envisage de mutualiser l'outil avec les communes voisines pour en réduire le coût.",
    "Le projet s'inscrit dans le programme Petites villes de demain et dans le contrat de relance et de transition écologique.",
]
BULLETS = ["L'usager s'inscrit en ligne ou en mairie.", "Il réserve un créneau et reçoit une confirmation.",
           "Un bénévole l'accueille et l'accompagne lors de la première utilisation.",
           "Un questionnaire de satisfaction est envoyé chaque année.", "Les horaires sont adaptés aux saisons."]
REMARQUES = ["Les montants indiqués par la source ne concordent pas entièrement ; les chiffres publiés sont conservés.",
             "La fiche ne précise pas la date d'ouverture effective du service.",
             "Le nombre d'habitants diffère entre l'en-tête et le texte de la fiche ; le premier est retenu."]


# --- helpers -----------------------------------------------------------------------------------


def _load_referentials(root: Path) -> tuple[dict, dict]:
    """{region id: label}, {departement id: (label, region id)} from the project's referentials."""
    data = yaml.safe_load((root / "schema" / "referentiels" / "territoires.yml").read_text(encoding="utf-8"))
    regions = {str(t["id"]): t["libelle"] for t in data["regions"]["termes"]}
    deps = {str(t["id"]): (t["libelle"], str(t["region"])) for t in data["departements"]["termes"]}
    return regions, deps


def de(name: str) -> str:
    """« de Lormes », « d'Arvieu »."""
    return ("d'" if unicodedata.normalize("NFKD", name[:1]).lower()[:1] in "aeiouyh" else "de ") + name


def _postcode(rng: random.Random, dep: str) -> str:
    if len(dep) == 3:                      # overseas: 973xx
        return dep + f"{rng.randint(0, 99):02d}"
    return dep.replace("2A", "20").replace("2B", "20") + f"{rng.randint(0, 999):03d}"


class _Names:
    """Unique place names (and their slugs), never one already in use."""

    def __init__(self, rng: random.Random, taken_names: set, taken_slugs: set):
        self.rng, self.names, self.slugs = rng, {n.lower() for n in taken_names}, set(taken_slugs)

    def new(self) -> str:
        rng = self.rng
        for _ in range(1000):
            name = rng.choice(NAME_ROOTS) + rng.choice(NAME_ENDS)
            if rng.random() < 0.15:
                name = rng.choice(SAINTS) + name
            if rng.random() < 0.3:
                name += rng.choice(NAME_TAILS)
            if name.lower() not in self.names:
                self.names.add(name.lower())
                return name
        raise RuntimeError("plus de noms de lieux disponibles")


def make_fiche(rng: random.Random, place: str, regions: dict, deps: dict) -> dict:
    """(front matter dict, body) for one synthetic fiche."""
    echelle, _, (pmin, pmax), territory_fmt, porteur_fmt = rng.choices(ECHELLES, weights=[e[1] for e in ECHELLES])[0]
    territory = territory_fmt.format(n=place, de_n=de(place))
    # log-uniform population: most communes are small, as in the real fiches
    population = int(round(pmin * (pmax / pmin) ** rng.random()))
    ndeps = 1 if echelle in ("commune", "communaute-de-communes", "departement") or rng.random() < 0.7 else rng.randint(2, 3)
    first = rng.choice(sorted(deps))
    same_region = [d for d in sorted(deps) if deps[d][1] == deps[first][1] and d != first]
    dep_ids = [first] + rng.sample(same_region, min(ndeps - 1, len(same_region)))
    if ndeps > 1 and rng.random() < 0.3:   # sometimes across a regional border
        dep_ids.append(rng.choice([d for d in sorted(deps) if d not in dep_ids]))
    region_ids = list(dict.fromkeys(deps[d][1] for d in dep_ids))
    region_label, dep_label = regions[region_ids[0]], deps[dep_ids[0]][0]

    themes = rng.sample(THEMES, rng.choice([2, 3, 5, 6, 7, 7, 8, 9, 12, 14, 16]))
    dominant = rng.sample(themes, rng.randint(1, min(4, len(themes))))
    kind_theme = next((t for t in dominant if t in INITIATIVES), rng.choice(sorted(INITIATIVES)))
    kind = rng.choice(INITIATIVES[kind_theme])
    title = f"{kind} {'à' if echelle == 'commune' else 'en'} {territory}" if echelle == "commune" or rng.random() < 0.5 \
        else f"{kind} : l'exemple {de(territory)}"
    y0 = rng.randint(2008, 2022)
    y1 = y0 + rng.randint(0, 2)
    ctx = {"n": territory, "de_n": de(territory), "pop": f"{population:,}".replace(",", " "), "y0": y0, "y1": y1,
           "region": region_label, "dep": dep_label, "k": rng.randint(12, 400)}

    def fill(items, lo, hi):
        return [s.format(**ctx) for s in rng.sample(items, rng.randint(lo, min(hi, len(items))))]

    financiers = []
    for _ in range(rng.randint(1, 7)):
        line = {"libelle": rng.choice(FIN_LABELS), "montant": rng.choice([1, 5, 10, 25, 50]) * rng.randint(100, 4000)}
        if rng.random() < 0.5:
            line["financeur"] = rng.choice(FUNDERS).format(**ctx)
        if rng.random() < 0.3:
            line["part"] = rng.choice([20, 30, 40, 50, 60, 70, 80])
        if rng.random() < 0.3:
            line["periodicite"] = rng.choice(["ponctuel", "annuel"])
        financiers.append(line)

    slug = slugify(place)
    data = {
        "titre": title,
        "porteur": porteur_fmt.format(n=place, de_n=de(place)),
        "territoire": {"nom": territory, "departements": dep_ids, "regions": region_ids},
        "echelle": echelle,
        "population": population,
        "annees_lancement": [{"annee": y0}] + ([{"annee": y1 + 1, "libelle": "Deuxième volet"}] if rng.random() < 0.2 else []),
        "en_bref": " ".join([f"À {territory}, {kind[0].lower() + kind[1:]} répond à un besoin exprimé par les habitants."]
                            + [s.format(**ctx) for s in rng.sample(DEMARCHE_SENTENCES, rng.randint(2, 3))]),
        "objectifs": fill(OBJECTIFS, 1, 4),
        "principes": sorted(rng.sample(PRINCIPES, rng.randint(2, 5)), key=PRINCIPES.index),
        "tiers_lieu": rng.choice([True, False, False, None]),
        "acteurs": {"supra_territoriaux": fill(SUPRA, 0, 9), "locaux": fill(LOCAUX, 0, 8)},
        "public_cible": fill(PUBLICS, 1, 4),
        "thematiques": themes,
        "thematiques_dominantes": dominant,
        "moyens": {"humains": fill(HUMAINS, 1, 5), "financiers": financiers,
                   "techniques": fill(TECHNIQUES, 0, 3), "partenaires_techniques": fill(PARTENAIRES, 0, 2)},
        "enseignement": {"texte": rng.choice(BILAN["facteurs_reussite"]) + " " + rng.choice(BILAN["points_vigilance"]),
                         "role": rng.choice(["le maire", "la coordinatrice du tiers-lieu", "une élue", "le président de l'association"])},
        "bilan": {k: fill(v, 1, 3) for k, v in BILAN.items()},
        "contact": {"organisation": f"Mairie {de(place)}" if echelle == "commune" else porteur_fmt.format(n=place, de_n=de(place)),
                    "adresse": f"{rng.randint(1, 40)} place de la Mairie",
                    "code_postal": _postcode(rng, dep_ids[0]),
                    "commune": place,
                    "email": f"contact@{slug}.fr",
                    "telephone": f"0{rng.choice('12345')} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                                 f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                    "site": f"https://www.{slug}.fr/"},
        "liens": [{"libelle": f"Le projet sur le site {de(territory)}", "url": f"https://www.{slug}.fr/projet/"}][: rng.randint(0, 1)],
        # contributions, as the wiki's growth will be: an author, a date, public sources
        "source": {"origine": "contribution", "auteur": f"Mairie {de(place)}",
                   "redigee_le": f"20{rng.randint(24, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                   "references": [{"libelle": f"Le projet sur le site {de(territory)}", "url": f"https://www.{slug}.fr/projet/"}]},
        "remarques": rng.sample(REMARQUES, rng.randint(0, 2)),
        "mis_a_jour": f"20{rng.randint(24, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "licence": rng.choice(["CC-BY-SA-4.0", "CC-BY-SA-4.0", "etalab-2.0"]),
    }
    if not data["remarques"]:
        del data["remarques"]
    if not data["liens"]:
        del data["liens"]
    if "communs" in data["principes"]:
        data["note_communs"] = "Les outils et les données produits sont publiés sous licence libre et documentés pour d'autres territoires."

    body = ["## Contexte", ""]
    sentences = [s.format(**ctx) for s in rng.sample(CONTEXT_SENTENCES, rng.randint(4, 10))]
    cuts = sorted(rng.sample(range(1, len(sentences)), min(len(sentences) - 1, rng.randint(0, 2))))
    for a, b in zip([0] + cuts, cuts + [len(sentences)], strict=True):
        body += [" ".join(sentences[a:b]), ""]
    body += ["## La démarche", ""]
    pool = rng.sample(DEMARCHE_SENTENCES, len(DEMARCHE_SENTENCES))
    for heading in rng.sample(DEMARCHE_HEADINGS, rng.randint(2, 4)):
        k = rng.randint(3, 6)
        body += [f"### {heading}", "", " ".join(s.format(**ctx) for s in pool[:k]), ""]
        pool = pool[k:] or rng.sample(DEMARCHE_SENTENCES, len(DEMARCHE_SENTENCES))
        if rng.random() < 0.3:
            body += [f"- {b}" for b in rng.sample(BULLETS, rng.randint(2, 4))] + [""]
    return {"slug": slug, "data": data, "body": "\n".join(body)}


def fiche_text(data: dict, body: str) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    front = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{front}---\n\n{body}"


def generate(root: Path | str, n: int, seed: int = 0, keep_existing: bool = False) -> list[Path]:
    """Write ``n`` synthetic fiches into ``root``/fiches (a project copy); returns their paths.

    Without ``keep_existing`` the fiches already there are removed first."""
    root = Path(root)
    folder = root / "fiches"
    folder.mkdir(parents=True, exist_ok=True)
    taken_names, taken_slugs = set(), set()
    for path in sorted(folder.glob("*.md")):
        if keep_existing:
            taken_slugs.add(path.stem)
            head = yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0].lstrip("-\n")) or {}
            taken_names.add(str((head.get("territoire") or {}).get("nom", "")))
        else:
            path.unlink()
    regions, deps = _load_referentials(root)
    rng = random.Random(seed)
    names = _Names(rng, taken_names, taken_slugs)
    written = []
    for _ in range(n):
        while True:
            place = names.new()
            fiche = make_fiche(rng, place, regions, deps)
            if fiche["slug"] not in names.slugs:
                break
        names.slugs.add(fiche["slug"])
        path = folder / f"{fiche['slug']}.md"
        path.write_text(fiche_text(fiche["data"], fiche["body"]), encoding="utf-8")
        written.append(path)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Écrire N fiches synthétiques valides dans le dossier fiches/ d'une copie du projet.")
    parser.add_argument("n", type=int, help="nombre de fiches à générer")
    parser.add_argument("--root", required=True, help="copie du projet (jamais le dépôt lui-même)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep-existing", action="store_true", help="garder les fiches déjà présentes")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if root == Path(__file__).resolve().parents[1]:
        print("Refus : ce serait remplacer les vraies fiches du dépôt ; utilisez une copie du projet.", file=sys.stderr)
        return 2
    paths = generate(root, args.n, args.seed, args.keep_existing)
    print(f"{len(paths)} fiches écrites dans {root / 'fiches'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
