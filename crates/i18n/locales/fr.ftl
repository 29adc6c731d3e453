# Tabara — catalogue français. Mêmes clés que l'anglais (vérifié par un test).

## Ligne de commande : liste des dossiers
case-list-col-case = DOSSIER
case-list-col-opened = OUVERT LE
case-list-col-status = STATUT
case-list-col-office = BUREAU
case-list-col-victims = VICTIMES/PERSONNES
case-list-col-exploitation = EXPLOITATION
case-list-empty = Aucun dossier ne correspond.
case-list-next = page suivante : --after { $after }

## Ligne de commande : un dossier
case-show-title = Dossier { $reference }  (version { $version })
case-show-status = statut
case-show-opened = ouvert le
case-show-closed = clôturé le
case-show-organisation = structure
case-show-office = bureau
case-show-referred = référé par
case-show-referred-on = { $organisation } le { $date }
case-show-persons = Personnes ({ $count })
case-show-col-role = RÔLE
case-show-col-name = NOM
case-show-col-gender = GENRE
case-show-col-age = ÂGE
case-show-col-details = DÉTAILS
case-show-person-hidden = [personne { $id }]
case-show-names-hidden = (noms masqués : ajoutez --with-identity pour les lire ; chaque lecture est journalisée)
case-show-comments = Commentaires ({ $count })
case-show-history = Historique

## Ligne de commande : journal d'audit
audit-ok = ok, { $entries } entrées
audit-broken = ROMPU à l'entrée { $seq } : { $problem }
audit-problem-missing = l'entrée manque (l'entrée suivante trouvée est la { $next })
audit-problem-unlinked = l'entrée n'est pas liée à la précédente : une entrée a été modifiée ou supprimée
audit-problem-altered = l'entrée a été modifiée : son contenu ne correspond plus à son empreinte
audit-problem-tail-removed = le journal s'arrête à l'entrée { $last } alors que la tête de chaîne indique l'entrée { $head } : des entrées ont été supprimées
audit-problem-head-mismatch = l'entrée ne correspond pas à la tête de chaîne
audit-problem-beyond-head = l'entrée se situe après la tête de chaîne (entrée { $head }) : elle n'a pas été ajoutée par Tabara
audit-col-seq = N°
audit-col-at = DATE (UTC)
audit-col-actor = AUTEUR
audit-col-action = ACTION
audit-col-record = FICHE
audit-col-hash = EMPREINTE

## Ligne de commande : initialisation et démonstration
init-ready = Registre prêt : { $location }
init-admin = Administrateur : { $username }
init-password = Mot de passe (affiché une seule fois, à changer à la première connexion) : { $password }
demo-screenings = { $count } screenings de victimes, avec chaque résultat, certains encore en brouillon
demo-training = { $sessions } sessions de formation avec { $participants } participants et { $certificates } certificats ; { $distributions } distributions de supports de sensibilisation aux postes frontaliers et commissariats
demo-ready = Registre de démonstration prêt : { $location }
demo-counts = { $organisations } structures, { $offices } bureaux, { $persons } personnes, { $cases } dossiers, { $audit } entrées d'audit
demo-speed = chargé en { $seconds } s ({ $rate } personnes par seconde)
demo-accounts = Comptes de démonstration (mot de passe : { $password }) :
demo-progress = personnes

## Ligne de commande : export
export-written = { $rows } victimes écrites dans { $path }

## Erreurs
error-prefix = erreur
error-open = impossible d'ouvrir le registre { $location }
error-init-has-users = ce registre a déjà des comptes ; `init` ne sert qu'à en créer un nouveau
error-admin-password-weak = TABARA_ADMIN_PASSWORD est trop faible
error-organisation-required = --organisation : un nom est requis
error-demo-has-data = le registre { $location } contient déjà des données ; ajoutez --reset pour le remplacer par la démonstration, ou choisissez un autre --database
error-exploitation = --exploitation : « { $value } » n'est pas un type d'exploitation ; valeurs possibles : { $allowed }
error-office-none = --office : aucun bureau ne contient « { $name } »
error-office-many = --office : « { $name } » correspond à plusieurs bureaux : { $offices }
error-case-reference = « { $value } » n'est pas une référence de dossier : indiquez TBR-000123 ou 123
error-create-file = impossible de créer { $path }
error-not-found = { $kind } { $id } introuvable
error-conflict = { $kind } { $id } a été modifié par quelqu'un d'autre (vous avez modifié la version { $expected }, elle est maintenant à la version { $actual }) ; rechargez-le et refaites votre modification
error-duplicate = { $what } « { $value } » existe déjà
error-location-empty = l'emplacement de la base de données est vide
error-location-scheme = schéma de base de données inconnu « { $scheme } » : utilisez un chemin de fichier, sqlite:CHEMIN ou postgres://…
error-location-missing-file = aucune base Tabara à { $path } : créez-en une avec `tabara init` ou `tabara demo`, ou indiquez --database
error-location-missing-folder = le dossier { $path } n'existe pas

## Types de fiche, dans les messages d'erreur
kind-case = dossier
kind-organisation = structure
kind-person = personne
kind-person-identity = identité de la personne
kind-person-in-case = personne dans le dossier
kind-person-in-this-case = personne dans ce dossier
kind-user-name = nom d'utilisateur
error-start = démarrage impossible : { $reason }

## Web : navigation et connexion
nav-dashboard = Tableau de bord
nav-cases = Dossiers
nav-language = Langue
nav-language-apply = Changer de langue
nav-signout = Se déconnecter
signin-title = Connexion à Tabara
signin-username = Nom d'utilisateur
signin-password = Mot de passe
signin-submit = Se connecter
signin-error-invalid = Nom d'utilisateur ou mot de passe incorrect.
signin-error-locked = Trop d'essais échoués : ce compte est bloqué pour un moment. Réessayez plus tard ou adressez-vous à votre administrateur.
signin-error-expired = Le formulaire de connexion a expiré. Veuillez réessayer.

## Web : erreurs
error-404-title = Introuvable
error-404-text = Il n'y a rien ici, ou vous n'y avez pas accès.
error-403-title = Non autorisé
error-403-text = Votre rôle ne le permet pas, ou ce formulaire a expiré ou ne vient pas de Tabara. Revenez en arrière, rechargez la page et réessayez.
error-500-title = Un problème est survenu
error-500-text = Tabara n'a pas pu terminer cette demande. Rien n'a été modifié. Réessayez, et prévenez votre administrateur si cela se reproduit.

## Web : tableau de bord et liste des dossiers
dashboard-title = Votre travail
dashboard-assigned = Dossiers qui vous sont attribués
dashboard-recent = Derniers dossiers que vous pouvez voir
dashboard-none = Rien pour l'instant.
dashboard-all-cases = Tous les dossiers
dashboard-no-cases-role = Votre rôle ne donne pas accès aux dossiers.
cases-title = Dossiers
cases-col-case = Dossier
cases-col-opened = Ouvert le
cases-col-status = Statut
cases-col-office = Bureau
cases-col-victims = Victimes/personnes
cases-col-exploitation = Exploitation
cases-any = Tous
cases-from = Ouvert à partir du
cases-to = Ouvert jusqu'au
cases-filter = Filtrer
cases-none = Aucun dossier ne correspond à ces filtres.
cases-next = Page suivante →
cases-filter-bad-date = Les dates s'écrivent AAAA-MM-JJ ; ce filtre de date a été ignoré.

## Web : dossier et personne
case-title = Dossier { $reference }
case-closed = Clôturé le
case-organisation = Structure
case-version = Version
case-persons = Personnes concernées
case-col-role = Rôle
case-col-gender = Genre
case-col-age = Âge
case-col-details = Détails
case-open-person = Ouvrir
case-open-person-identity = Ouvrir (identité)
case-identity-audited = Chaque consultation de l'identité d'une personne est enregistrée dans le journal d'audit.
case-comments = Commentaires
case-shares = Partagé avec
case-history = Historique des modifications
case-audit = Piste d'audit
case-audit-when = Quand (UTC)
case-audit-who = Qui
case-audit-what = Quoi
person-citizenship = Nationalité
person-identity = Identité
person-name = Nom
person-birthdate = Date de naissance
person-identity-number = Numéro d'identité
person-phone = Téléphone mobile
person-notes = Notes
person-identity-hidden = Votre rôle ne donne pas accès à l'identité de cette personne.

## Ligne de commande : serveur
serve-ready = Tabara est accessible à { $address } (Ctrl-C pour arrêter)
error-listen = impossible d'écouter sur { $address }

## Ligne de commande : comptes
user-added = Compte { $username } créé ({ $role }).
user-disabled = Compte { $username } désactivé ; ses sessions sont terminées.
user-enabled = Compte { $username } réactivé.
user-reset = Le compte { $username } a un nouveau mot de passe ; ses sessions sont terminées.
error-user-unknown = aucun compte nommé « { $username } »
error-username-format = un nom d'utilisateur compte de 1 à 64 lettres, chiffres, « . », « - » ou « _ »
error-role = « { $value } » n'est pas un rôle ; valeurs possibles : { $allowed }
error-user-password-weak = TABARA_USER_PASSWORD est trop faible
error-name-none = { $option } : aucun nom ne contient « { $name } »
error-name-many = { $option } : « { $name } » correspond à plusieurs : { $matches }

## Web : accueil d'un dossier
nav-new-case = Nouveau dossier
intake-title = Ouvrir un dossier
intake-has-errors = Certaines réponses sont à corriger : voyez les messages à côté des champs.
intake-case = Le dossier
intake-victim = La personne accompagnée
intake-first-name = Prénom (ou le nom que la personne utilise)
intake-second-name = Nom de famille
intake-age-uncertain = L'âge est estimé
intake-status = Statut au regard de la traite (votre appréciation)
intake-consent = La personne a été informée et a accepté l'entretien et l'enregistrement de ses données
intake-submit = Ouvrir le dossier
rule-not-in-future = Cette date est dans le futur.
rule-matches-birthdate = Cet âge ne correspond pas à la date de naissance.
rule-iso3166-alpha2 = Utilisez des codes pays à deux lettres comme BI, CD, TZ (séparez-en plusieurs par une virgule).
rule-date = Écrivez la date sous la forme AAAA-MM-JJ.
rule-required = Cette réponse est nécessaire.
rule-range = Ce nombre est hors des limites.
rule-integer = Écrivez un nombre entier.
rule-plausible = Cette date n'est pas plausible.
user-token = Jeton d'API pour { $username }, valable { $days } jours (affiché une seule fois ; gardez-le secret) :

## Web : son propre compte
nav-password = Mot de passe
password-title = Changer votre mot de passe
password-rule = Au moins 12 caractères, mêlant au moins deux sortes parmi lettres, chiffres et symboles. Toutes les sessions de votre compte se terminent : vous vous reconnectez avec le nouveau mot de passe.
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-repeat = Nouveau mot de passe (encore)
password-submit = Changer le mot de passe
password-error-current = Le mot de passe actuel n'est pas correct.
password-error-repeat = Les deux nouveaux mots de passe diffèrent.
password-error-short = Le nouveau mot de passe doit compter au moins 12 caractères.
password-error-kinds = Le nouveau mot de passe doit mêler au moins deux sortes parmi lettres, chiffres et symboles.
password-error-same = Le nouveau mot de passe doit être différent de l'actuel.
cases-search = Nom d'une personne

# Modifier les dossiers et les personnes
case-edit = Modifier le dossier
case-edit-person = Modifier
case-closure-reason = Motif de clôture
case-owner = Attribué à
case-comment-add = Ajouter un commentaire
case-comment-submit = Ajouter le commentaire
case-share-with = Partager avec la structure
case-share-reason = Motif du partage
case-share-submit = Partager le dossier
case-share-choose = Choisissez la structure avec laquelle partager.
case-share-reason-needed = Indiquez le motif du partage : il est conservé avec le partage et dans le journal d'audit.
case-share-reason-long = Le motif est trop long.
case-share-already = Cette structure a déjà accès au dossier.
case-lists-truncated = Seules les 100 entrées les plus récentes de chaque liste sont affichées ici ; l'intégralité est dans le registre (tabara case show, tabara audit log).
edit-case-title = Modifier le dossier { $reference }
edit-person-title = Modifier une personne du dossier { $reference }
edit-save = Enregistrer les modifications
edit-cancel = Annuler
edit-conflict = Quelqu'un d'autre a enregistré ce dossier pendant que vous le modifiiez. Vos modifications sont conservées dans le formulaire ci-dessous ; comparez-les avec ce qui est enregistré, puis enregistrez à nouveau.
edit-conflict-person = Quelqu'un d'autre a enregistré cette personne pendant votre modification. Vos modifications sont conservées ci-dessous ; rouvrez la personne dans un autre onglet pour comparer, puis enregistrez à nouveau.
edit-stored-now = Enregistré actuellement
person-middle-name = Deuxième prénom
person-facts = À propos de la personne
person-language = Langue principale (code ISO 639, p. ex. rn, fr, sw)
rule-required-when-closed = Un dossier clôturé doit avoir une date de clôture.
rule-only-when-closed = Seul un dossier clôturé a une date de clôture.
rule-after-opening = La date de clôture précède la date d'ouverture.
rule-max-length = Ce texte est trop long.
rule-picklist = Choisissez l'une des valeurs proposées.
rule-iso639 = Utilisez un code de langue comme rn, fr, sw ou en.
rule-email = Ce n'est pas une adresse électronique.
rule-e164 = Écrivez le numéro au format international, p. ex. +25779123456.

# Administration
nav-admin-users = Utilisateurs
nav-admin-organisations = Structures
admin-users-title = Comptes utilisateurs
admin-users-new = Nouveau compte
admin-col-username = Identifiant
admin-col-name = Nom
admin-col-role = Rôle
admin-col-organisation = Structure
admin-col-office = Bureau
admin-col-state = État
admin-state-active = actif
admin-state-disabled = désactivé
admin-user-title = Compte { $username }
admin-user-disable = Désactiver le compte
admin-user-enable = Réactiver le compte
admin-user-reset = Réinitialiser le mot de passe
admin-user-new-password = Nouveau mot de passe pour { $username } : { $password } (affiché une seule fois ; remettez-le en main propre et demandez qu'il soit changé à la première connexion).
admin-user-created = Compte { $username } créé. Mot de passe : { $password } (affiché une seule fois ; remettez-le en main propre).
admin-user-disabled-done = Le compte est désactivé et ses sessions sont fermées.
admin-user-enabled-done = Le compte est réactivé.
admin-user-self = Vous ne pouvez pas désactiver votre propre compte.
admin-new-user-title = Nouveau compte utilisateur
admin-display-name = Nom affiché
admin-create-user = Créer le compte
rule-username-taken = Cet identifiant est déjà pris.
rule-username-format = 1 à 64 lettres, chiffres, « . », « - » ou « _ ».
rule-office-of-agency = Choisissez un bureau de la structure choisie, ou aucun.
admin-organisations-title = Structures et bureaux
admin-organisations-new = Nouvelle structure
admin-col-type = Type
admin-col-city = Ville
admin-col-offices = Bureaux
admin-organisation-title = Structure : { $name }
admin-new-organisation-title = Nouvelle structure
admin-org-name = Nom
admin-org-street = Rue
admin-org-province = Province
admin-org-country = Pays (code ISO, p. ex. BI)
admin-org-phone = Téléphone
admin-save-organisation = Enregistrer la structure
admin-offices = Bureaux
admin-office-kind = Type
admin-office-name = Nom du bureau
admin-office-province = Province
admin-office-border = Frontière avec (code pays, pour les postes frontaliers)
admin-add-office = Ajouter le bureau
admin-previous = Page précédente
admin-next = Page suivante

# Screening : résultats, motifs, suites
outcome-no-indicators = Aucun indicateur
outcome-needs-full-interview = Entretien approfondi nécessaire
outcome-exploitation-only = Exploitation seule (pas de traite)
outcome-presumed-victim = Victime présumée de la traite
outcome-presumed-child-victim = Enfant victime présumé de la traite
screening-reason-child-age = Traité comme un enfant : âge { $age }. Les moyens ne sont pas requis et le parcours de protection de l'enfance s'applique.
screening-reason-child-presumed = Présumé enfant (âge incertain ou inconnu ; signes : { $signs }). Les moyens ne sont pas requis et le parcours de protection de l'enfance s'applique.
screening-reason-dimension = { $dimension } est positive ({ $rule }) : { $indicators }.
screening-reason-partial = { $dimension } : quelques signes, insuffisants à eux seuls ({ $indicators }).
screening-reason-act = L'acte est établi : { $indicators }.
screening-reason-unanswered = L'exploitation n'est pas exclue : { $count ->
    [one] { $count } question sur les conditions de travail et la contrainte n'a pas reçu
   *[other] { $count } questions sur les conditions de travail et la contrainte n'ont pas reçu
} la réponse « non ».
screening-rule-two-strong = deux indicateurs forts
screening-rule-strong-and-other = un indicateur fort et un autre
screening-rule-three-medium = trois indicateurs moyens
screening-rule-two-medium-one-weak = deux indicateurs moyens et un faible
screening-combination-recruitment-exploitation-destination = Recrutement, exploitation et contrainte ou abus à destination sont tous établis : la personne est présumée victime de la traite.
screening-combination-exploitation-without-means = Travail relevant de l'exploitation, sans signe sur la manière dont la personne a été recrutée ou retenue : exploitation, pas de traite au vu de ces réponses.
screening-combination-child-act-and-exploitation = Un enfant a été recruté, déplacé ou hébergé par d'autres et exploité : enfant victime présumé ; aucun moyen n'est requis.
screening-combination-indicators-not-conclusive = Des indicateurs sont présents, insuffisants pour présumer la traite : un entretien approfondi est nécessaire.
screening-combination-all-answered-no = Toutes les questions sur l'exploitation et la contrainte ont reçu la réponse « non », et rien d'autre n'indique la traite.
screening-combination-exploitation-not-ruled-out = Aucun indicateur à ce stade, mais les questions sur l'exploitation n'ont pas toutes reçu de réponse : un entretien approfondi est nécessaire.
screening-step-child-protection = Orienter l'enfant immédiatement vers la protection de l'enfance ; ne pas le placer en détention ; un tuteur ou représentant doit être désigné.
screening-step-assistance = Orienter vers l'assistance (hébergement, soins, soutien psychosocial, aide juridique). L'assistance ne dépend jamais de la coopération avec la police.
screening-step-full-interview = Organiser un entretien approfondi en privé, dans la langue de la personne, avec un interprète du sexe de son choix, après avoir répondu à ses besoins immédiats.
screening-step-labour = Orienter vers l'inspection du travail et l'aide juridique ; refaire le screening si de nouveaux faits apparaissent.
screening-step-none = Enregistrer le résultat et donner à la personne les contacts où trouver de l'aide.
screening-step-rights = Informer la personne de ses droits, dans une langue qu'elle comprend : assistance, protection, aide juridique, et qu'elle n'est pas punie pour les actes qu'on l'a forcée à commettre.

# Traite ou trafic illicite de migrants
verdict-trafficking-indicated = Traite indiquée
verdict-smuggling-indicated = Trafic illicite de migrants indiqué
verdict-both = Traite et trafic illicite de migrants
verdict-neither = Ni traite ni trafic illicite
verdict-insufficient-facts = Pas encore assez de faits
finding-trafficking-met = L'acte, le but d'exploitation et les moyens (ou la minorité) sont tous établis.
finding-child-no-means = La personne est un enfant : aucun moyen n'est requis.
finding-consent-irrelevant = Des moyens ont été utilisés : le consentement de la personne au voyage est indifférent.
finding-trafficking-ruled-out = Un élément de la traite est exclu.
finding-exploitation-without-means = Un adulte exploité sans moyens : infractions du travail ou autres, pas de traite ; garder le dossier ouvert.
finding-smuggling-met = Quelqu'un a procuré un passage illégal vers un pays qui n'est pas celui de la personne, contre un avantage.
finding-smuggling-ruled-out = Un élément du trafic illicite est exclu (par exemple pas de passage illégal).
finding-relationship-continues = La relation avec les passeurs se poursuit après l'arrivée : rechercher une exploitation.
finding-screen-for-exploitation = Migrant passé illégalement, exploitation non exclue : faire le screening de la traite. Un migrant objet de trafic n'est pas poursuivi pour ce fait.
finding-missing = Manque encore : { $facts }.
fact-act = si quelqu'un a recruté, déplacé ou hébergé la personne
fact-means = si la force, des menaces, la tromperie ou un abus ont été utilisés
fact-exploitation = si une exploitation est prévue ou en cours
fact-child = si la personne a moins de 18 ans
fact-consent-to-movement = si la personne a consenti au voyage
fact-illegal-crossing = si la frontière a été franchie illégalement
fact-benefit-from-crossing = si quelqu'un a été payé pour le passage
fact-foreign-to-destination = si la destination est un pays qui n'est pas celui de la personne
fact-relationship-continues = si la relation se poursuit après l'arrivée

# tabara screening explain
error-screening-id = '{ $value }' n'est pas un identifiant de screening (un UUID, tel qu'affiché sur la page du screening)
screening-explain-title = Screening { $id } — dossier { $case }, personne { $person }
screening-explain-state = État : { $state } (catalogue { $version })
screening-state-draft = brouillon, résultat provisoire
screening-state-completed = terminé
screening-explain-outcome = Résultat : { $outcome }
screening-explain-why = Pourquoi :
screening-explain-next = Suites à donner :
screening-explain-distinction = Traite ou trafic illicite : { $verdict }
screening-explain-undecided = Décision : pas encore prise (l'agent confirme ou modifie la suggestion).
screening-explain-confirmed = Décision : confirmée, { $status }, par { $by } le { $at }.
screening-explain-overridden = Décision : modifiée en { $status } par { $by } le { $at }. Motif : { $reason }

# Pages de screening
screening-title = Entretien de screening
screening-result-title = Résultat du screening
screening-step-title-age = Âge
screening-step-title-recruitment = Recrutement
screening-step-title-movement = Le voyage
screening-step-title-exploitation = Travail et vie à destination
screening-step-title-facts = Traite ou trafic illicite : les faits
screening-kindness = Posez les questions dans la langue de la personne, en privé, après avoir répondu à ses besoins immédiats. Chaque question peut être passée : une question non posée est enregistrée « non posée », jamais « non ».
screening-minority-signs = Signes que la personne pourrait être un enfant
screening-facts-help = Cochez ce qui est établi ; laissez « inconnu » ce qui ne l'est pas.
answer-yes = Oui
answer-no = Non
answer-dont-know = Ne sait pas
answer-refused = Préfère ne pas répondre
answer-not-asked = Non posée
fact-value-yes = Oui
fact-value-no = Non
fact-value-unknown = Inconnu
screening-back = Retour
screening-save-draft = Enregistrer le brouillon
screening-next = Enregistrer et continuer
screening-to-review = Enregistrer et voir le résultat
screening-saved = Brouillon enregistré. Vous pouvez continuer maintenant ou plus tard.
screening-conflict = Ce screening a été modifié par quelqu'un d'autre entre-temps ; la page montre ce qui est enregistré. Saisissez à nouveau vos réponses.
screening-provisional = Résultat provisoire d'un brouillon : terminez le screening pour l'enregistrer.
screening-complete = Terminer le screening
screening-why = Pourquoi
screening-next-steps = Suites à donner
screening-distinction = Traite ou trafic illicite de migrants
screening-decision = Décision
screening-confirm = Confirmer : { $status }
screening-override = Décider autrement (le motif est obligatoire)
screening-reason = Motif
screening-record-decision = Enregistrer la décision
screening-no-decision = Pas encore de décision.
screening-decision-confirmed = Confirmée
screening-decision-overridden = Décidée autrement
screening-decision-error-required = Choisissez le statut et indiquez le motif pour décider autrement.
screening-decision-error-nothing-to-confirm = Il n'y a pas de suggestion à confirmer : choisissez le statut et indiquez le motif.
screening-decision-error-already-decided = Ce screening a déjà fait l'objet d'une décision ; refaites un screening pour la réviser.
screening-decision-error-not-completed = Terminez le screening avant de décider.
screening-decision-error-max-length = Le motif est trop long.
screening-history = Screenings
screening-col-result = Résultat
screening-start = Commencer un screening

# Programme de formation
nav-training = Formation
nav-certificates = Mes certificats
training-title = Sessions de formation
training-new-session = Nouvelle session
training-create-session = Créer la session
training-col-session = Session
training-col-dates = Dates
training-col-venue = Lieu
training-starts = Premier jour
training-ends = Dernier jour
training-funding = Financement
training-trainers = Formateurs (séparer les noms par des virgules)
training-facilitator = Structure facilitatrice
training-min-attendance = Présence requise pour réussir (% des jours)
training-min-post-test = Note au post-test requise pour réussir (%)
training-rule = Règle de réussite (présence, post-test)
training-participants = Participants
training-pre-test = Pré-test %
training-post-test = Post-test %
training-completion = Réussite
training-completed = Réussi
training-short-attendance = présence insuffisante
training-short-noposttest = pas de post-test
training-short-posttest = post-test sous le seuil
training-save-register = Enregistrer présences et notes
training-register-saved = Présences et notes enregistrées.
training-register-conflict = Quelqu'un d'autre a modifié ces notes entre-temps ; la page montre ce qui est enregistré.
training-score-range = Les notes sont des nombres entiers de 0 à 100 ; les autres ont été enregistrées.
training-issue-certificates = Délivrer les certificats à tous ceux qui ont réussi
training-print-certificates = Imprimer tous les certificats (PDF)
training-revoke = Révoquer
training-revoke-label = Révoquer le certificat { $code }
training-certificate-revoked = Le certificat est révoqué ; la page de vérification l'indique désormais.
training-revoke-reason-needed = Indiquez le motif de la révocation du certificat.
training-add-participant = Ajouter un participant
training-account = Compte Tabara (identifiant, s'il y en a un)
training-rank = Grade
training-unit = Unité
training-add = Ajouter
training-unknown-account = Aucun compte ne porte cet identifiant.
training-participant-name-needed = Le participant doit avoir un nom.
training-participant-already = Ce compte participe déjà à la session.
cert-title = Certificat de réussite
cert-certifies = Nous certifions que
cert-completed = a suivi avec succès la session de formation
cert-modules = Modules
cert-hours = heures
cert-total = Total
cert-issued-by = Délivré par
cert-code = Code de vérification
cert-verify-at = Vérifier ce certificat sur :
cert-trainer = Formateur
cert-organiser = Organisateur
verify-title = Vérifier un certificat
verify-help = Saisissez le code imprimé sur le certificat. Pour un certificat valide, cette page indique le nom du titulaire, la formation et ses dates, et rien de plus.
verify-submit = Vérifier
verify-valid = Ce certificat est valide.
verify-revoked = Ce certificat a été révoqué.
verify-unknown = Aucun certificat ne porte ce code.
verify-malformed = Ce n'est pas un code de certificat : il compte 12 lettres et chiffres, p. ex. ABCD-EFGH-JKMN.

# Rapports du programme
report-title = Rapport du programme
report-csv = Télécharger en CSV
report-by-sex = Personnes formées par sexe
report-by-rank = Personnes formées par grade
report-by-province = Personnes formées par province de leur bureau
report-by-session = Personnes formées par session
report-gain = Gain de connaissances par session (notes moyennes, %)
report-materials = Supports de sensibilisation reçus par poste
report-col-label = Groupe
report-col-participants = Participants
report-col-completed = Réussi
report-col-gain = Gain (points)
report-col-pre = Pré-test
report-col-post = Post-test
report-col-post-office = Poste ou commissariat
report-col-posters = Affiches
report-col-flyers = Dépliants
report-col-brochures = Brochures

# Supports de sensibilisation
material-title = Supports de sensibilisation
material-items = Supports
material-item = Support
material-poster = Affiche
material-flyer = Dépliant
material-brochure = Brochure
material-language = Langue
material-campaign = Campagne
material-stock = Stock par magasin
material-store = Magasin
material-quantity = Quantité
material-to = Destinataire
material-date = Date
material-received = Ce que chaque poste a reçu, et quand
material-distribute = Distribuer
material-receive = Entrée en magasin
material-new = Nouveau support
material-create = Ajouter le support
material-stock-now = C'est fait. En stock dans ce magasin : { $quantity }.
material-error-form = Choisissez le support et les bureaux, et indiquez une quantité et une date.
material-error-insufficient-stock = Stock insuffisant dans ce magasin : le stock ne peut pas devenir négatif.
material-error-range = La quantité est un nombre entier de 1 à 1 000 000.
material-error-different = Distribuez vers un autre bureau que le magasin.
material-error-picklist = Choisissez affiche, dépliant ou brochure.
material-error-iso639 = Indiquez un code de langue à deux lettres comme rn, fr ou sw.
material-error-required = Le support doit avoir un titre.
material-error-max-length = Ce texte est trop long.
training-test-title = Pré-test et post-test
training-test-help = Les mêmes questions avant et après la session ; un point par bonne réponse, la note est la part de bonnes réponses (%).
training-test-key = Corrigé (pour le formateur)
training-grade-title = Corriger un test
training-grade-submit = Noter et enregistrer
training-grade-pre = corriger le pré-test
training-grade-post = corriger le post-test
training-graded = { $name } : { $score } % enregistré.

## issue 10: lead
error-400-title = Demande incomprise
error-400-text = Tabara n'a pas pu lire cette demande : un lien ou une valeur qu'elle contient n'est pas valable. Revenez en arrière et réessayez depuis la page.
cases-filter-unknown-value = Une valeur de filtre ne fait pas partie de la liste ; ce filtre a été ignoré.
rule-control-characters = Ce texte contient un caractère de contrôle (par exemple collé depuis un autre programme) ; retirez-le.
rule-date-range = Cette date est hors de la période que Tabara accepte pour ce champ.
material-error-date-range = La date doit être comprise entre le 1er janvier 1990 et aujourd'hui.
material-error-control-characters = Ce texte contient un caractère de contrôle ; retirez-le.
verify-holder = Titulaire
verify-course = Formation
verify-dates = Dates
verify-compare = Comparez le nom avec la pièce d'identité de la personne.
## issue 10: access
case-share-may-edit = La structure peut aussi modifier le dossier (sinon elle le lit et le commente seulement)
case-share-may-edit-mark = peut modifier
case-share-read-only-mark = lit et commente
intake-no-office = Votre structure n'a pas de bureau enregistré : le dossier est ouvert sans bureau.
demo-shares = { $count } partages : dossiers transmis au parquet, et à l'OIM pour l'assistance aux victimes (certains avec droit de modification)
## issue 10: screening
screening-victim-only = Seule une victime possible du dossier fait l'objet d'un screening. Cette personne est enregistrée comme suspect, témoin ou autre personne : changez son rôle dans le dossier si elle peut être une victime.
screening-reason-child-estimate = Présumé enfant : l'âge ({ $age }) est une estimation, et une estimation de moins de 21 ans peut être l'âge d'un enfant. Les moyens ne sont pas requis et le parcours de protection de l'enfance s'applique.
screening-step-verify-age = Vérifier l'âge (un document, un acte de naissance, la famille) et corriger la fiche de la personne.
screening-step-short-facts = Faits
screening-steps = Étapes du screening
screening-state-done = fait
screening-state-partial = { $answered } sur { $total } répondues
screening-state-todo = à faire
screening-state-current = étape en cours
screening-age-carried = Repris de l'enregistrement. Corrigez-le si la personne, un document ou la famille indique autre chose.
screening-confirm-as = Confirmer : { $outcome } — enregistré avec le statut HTCDS « { $status } »
screening-decided-by = Décidé par { $name } le { $when }
## issue 10: accounts
account-reset-by = Votre compte a été réinitialisé par { $name } le { $when }.
account-reset-by-operator = Votre compte a été réinitialisé en ligne de commande (par un opérateur) le { $when }.
account-reset-approved-by = Approuvé par { $name }.
password-choose-title = Choisissez votre nouveau mot de passe
password-choose-help = Vous vous êtes connecté avec un mot de passe à usage unique. Choisissez maintenant votre propre mot de passe : rien d'autre ne s'ouvre avant.
password-error-locked = Trop de tentatives erronées : attendez un moment avant de réessayer, ou adressez-vous à votre administrateur.
admin-one-time-credential = Mot de passe à usage unique pour { $username } : { $password } (affiché une seule fois ; valable 72 heures, il permet seulement à son titulaire de choisir un nouveau mot de passe ; à remettre en personne).
admin-reset-requested = Réinitialisation demandée. Un autre administrateur doit l'approuver ; le mot de passe à usage unique sera produit à ce moment-là.
admin-create-requested = Compte { $username } créé sans mot de passe. Un autre administrateur doit l'approuver ; le mot de passe à usage unique sera produit à ce moment-là.
admin-request-waiting = Une demande pour ce compte attend déjà un autre administrateur.
admin-request-refused = La demande est refusée.
admin-request-not-yours = Un autre administrateur doit statuer sur une demande que vous avez faite.
admin-requests-title = En attente d'un second administrateur
admin-requests-help = Les comptes qui peuvent lire les identités ne sont créés ou réinitialisés qu'avec l'approbation d'un second administrateur.
admin-col-request = Demande
admin-col-requested-by = Demandé par
admin-request-create = nouveau compte
admin-request-reset = réinitialisation du mot de passe
admin-request-awaiting-other = en attente d'un autre administrateur
admin-request-approve = Approuver
admin-request-refuse = Refuser
admin-office-help = Seul un bureau de l'agence choisie est accepté.
user-one-time = Mot de passe à usage unique (affiché une seule fois ; valable 72 heures, il permet seulement à son titulaire de choisir un nouveau mot de passe) : { $password }
user-reset-one-time = Le compte { $username } a un nouveau mot de passe à usage unique ; ses sessions sont terminées.
## issue 10: cli
audit-problem-head-missing = la tête de chaîne (l'enregistrement de la dernière entrée) manque : les tables du journal ont été altérées
audit-problem-unrecorded = le registre contient { $records } enregistrements de type { $kind } mais le journal n'a que { $entries } entrées « { $action } » ({ $kind } { $example } n'en a pas) : des entrées ont été supprimées à la fin du journal
audit-problem-written-after-log = un enregistrement de { $table } a été écrit le { $written }, après la dernière entrée du journal ({ $last }) : des entrées ont été supprimées à la fin du journal
audit-problem-written-empty-log = un enregistrement de { $table } a été écrit le { $written } mais le journal est vide : ses entrées ont été supprimées
error-lang = « { $value } » n'est pas une langue de Tabara ; langues possibles : { $supported }
error-status = --status : « { $value } » n'est pas un statut de dossier ; valeurs possibles : { $allowed } (majuscules ou minuscules, ou le libellé)
kind-certificate = certificat
kind-participant = participant
kind-person-of-the-case = personne du dossier
kind-screening = screening
kind-training-session = session de formation
kind-user = utilisateur
kind-share = partage
audit-problem-unrecorded-count = le registre contient { $records } enregistrements de type { $kind } mais le journal n'a que { $entries } entrées « { $action } » : des entrées ont été supprimées à la fin du journal
actor-system = système ({ $name })
actor-unknown = un compte inconnu
history-field-status = Statut
history-field-opened-on = Ouvert le
history-field-closed-on = Clôturé le
history-field-closure-reason = Motif de clôture
history-field-referring-organisation-id = Structure qui a orienté le cas
history-field-incoming-referral-date = Date de l'orientation reçue
history-field-incoming-referral-reason = Motif de l'orientation reçue
history-field-incoming-referral-details = Détails de l'orientation reçue
history-field-owner-id = Assigné à
history-field-office-id = Bureau
history-text-changed = (texte modifié)
history-unknown-record = (inconnu)
audit-action-case-create = dossier ouvert
audit-action-case-update = dossier modifié
audit-action-case-share = dossier partagé
case-col-actions = Actions
screening-decision-error-picklist = Choisissez l'un des statuts proposés.
screening-decision-error-control-characters = Le motif contient un caractère de contrôle ; retirez-le.
kind-account-request = demande sur un compte
kind-pending-request-for-account = demande en attente pour ce compte
history-person = personne { $number } ({ $role })
history-field-involvement = Implication dans le dossier
history-field-role = Rôle dans le dossier
history-field-trafficking-status = Statut de traite
history-field-exploitation-types = Types d'exploitation
history-field-victim-details = Autres éléments de l'implication de la victime
history-field-suspect-roles = Rôles dans le processus
history-field-suspect-details = Autres éléments de l'implication du suspect
history-details-changed = (modifié)

## issue 10: accounts 2
account-created-by = Votre compte a été créé par { $name } le { $when }.
account-created-by-operator = Votre compte a été créé en ligne de commande (par un opérateur) le { $when }.
admin-state-awaiting-approval = en attente d’approbation
## issue 10: training 2
training-trainers-heading = Formateurs
training-certificates-valid = Certificats délivrés : { $count ->
    [0] la session n'a aucun certificat valide (aucun participant n'a terminé sans en détenir déjà un).
    [one] la session compte maintenant 1 certificat valide.
   *[other] la session compte maintenant { $count } certificats valides.
}
rule-after-start = Le dernier jour est avant le premier jour.
rule-session-length = Une session dure au plus 60 jours : vérifiez le dernier jour.
rule-facilitator = Choisissez une organisation animatrice de l'annuaire, ou aucune.
training-error-full-name-required = Le participant doit avoir un nom (ou un compte Tabara qui en a un).
training-error-full-name-max-length = Le nom est trop long : 200 caractères au plus.
training-error-full-name-control-characters = Le nom contient un caractère de contrôle (par exemple collé depuis un autre programme) ; retirez-le.
training-error-rank-max-length = Le grade est trop long : 200 caractères au plus.
training-error-rank-control-characters = Le grade contient un caractère de contrôle (par exemple collé depuis un autre programme) ; retirez-le.
training-error-unit-max-length = L'unité est trop longue : 200 caractères au plus.
training-error-unit-control-characters = L'unité contient un caractère de contrôle (par exemple collé depuis un autre programme) ; retirez-le.
training-error-sex-picklist = Choisissez l'une des valeurs proposées pour le sexe.
material-error-title-control-characters = Le titre contient un caractère de contrôle ; retirez-le.
material-error-title-max-length = Le titre est trop long : 200 caractères au plus.
material-error-campaign-control-characters = La campagne contient un caractère de contrôle ; retirez-le.
material-error-campaign-max-length = La campagne est trop longue : 200 caractères au plus.
## issue 11: demo
demo-assignments = { $count } dossiers attribués à l'agent, à l'enquêteur ou au travailleur social qui les suit à son bureau


## issue 11: web
case-list-more = Plus de { $count } entrées : seules les { $count } premières sont affichées ici ; l'intégralité est dans le registre (tabara case show).
audit-action-organisation-create = structure enregistrée
audit-action-organisation-update = structure modifiée
audit-action-office-create = bureau enregistré
audit-action-user-create = compte créé
audit-action-user-create-request = création de compte en attente d'approbation
audit-action-user-reset-request = réinitialisation en attente d'approbation
audit-action-user-request-approve = demande approuvée
audit-action-user-request-refuse = demande refusée
audit-action-user-one-time-credential = identifiant à usage unique délivré
audit-action-user-password = mot de passe défini
audit-action-user-disable = compte désactivé
audit-action-user-enable = compte réactivé
audit-action-user-login = connexion
audit-action-user-login-failed = connexion refusée (mot de passe erroné)
audit-action-user-login-locked = connexion refusée (compte verrouillé)
audit-action-user-login-unknown = connexion refusée (compte inconnu)
audit-action-user-login-one-time = connexion avec un identifiant à usage unique
audit-action-user-password-check-failed = mot de passe actuel refusé
audit-action-user-password-check-locked = mot de passe actuel refusé (compte verrouillé)
audit-action-api-token-create = jeton d'API créé
audit-action-person-create = personne enregistrée
audit-action-person-update = personne modifiée
audit-action-person-identity-read = identité consultée
audit-action-person-identity-update = identité modifiée
audit-action-person-identity-export = identité exportée
audit-action-person-identity-search = recherche par nom
audit-action-case-share-for-editing = dossier partagé pour modification
audit-action-case-person-add = personne ajoutée au dossier
audit-action-case-person-update = rôle de la personne modifié
audit-action-case-comment-create = commentaire ajouté
audit-action-consent-create = consentement enregistré
audit-action-screening-create = screening commencé
audit-action-screening-save = screening enregistré
audit-action-screening-complete = screening terminé
audit-action-screening-confirm = résultat du screening confirmé
audit-action-screening-override = résultat du screening remplacé
audit-action-training-session-create = session de formation planifiée
audit-action-training-participant-create = participant ajouté
audit-action-training-participant-scores = notes enregistrées
audit-action-training-attendance-present = présence enregistrée (présent)
audit-action-training-attendance-absent = présence enregistrée (absent)
audit-action-certificate-issue = certificat délivré
audit-action-certificate-revoke = certificat révoqué
audit-action-material-create = support enregistré
audit-action-material-receipt = support reçu
audit-action-material-distribution = support distribué

## issue 12: referrals
audit-action-referral-consent-record = consentement à une orientation enregistré
audit-action-referral-consent-withdraw = consentement à une orientation retiré
audit-action-referral-create = orientation rédigée
audit-action-referral-send = orientation envoyée
audit-action-referral-accept = orientation acceptée
audit-action-referral-decline = orientation refusée
audit-action-referral-start = service de l'orientation commencé
audit-action-referral-complete = orientation terminée
audit-action-referral-close = orientation clôturée
audit-action-referral-cancel = orientation annulée
audit-action-referral-assign = orientation attribuée
## issue 12: risk
audit-action-risk-assessment-record = risque évalué
## issue 12: record kinds
kind-referral = orientation
kind-referral-consent = consentement à l'orientation
kind-risk-assessment = évaluation des risques
## issue 12: referral pages
nav-referrals = Orientations
referral-inbox-title = Orientations
referral-box-incoming = Reçues
referral-box-outgoing = Envoyées
referral-box-overdue = En retard
referral-inbox-empty = Aucune orientation ouverte ici.
referral-col-case = Dossier
referral-col-services = Services
referral-col-recipient = Orientée vers
referral-col-agency = De
referral-col-state = Statut
referral-col-since = Depuis
referral-col-due = Réponse attendue
referral-urgent = Urgente
referral-overdue = En retard
referral-new-title = Orienter vers une autre structure
referral-refer = Orienter vers un service
referral-what = L'orientation
referral-recipient = Structure destinataire
referral-services = Services demandés
referral-see-directory = Trouver des prestataires dans l'annuaire des services
referral-data = Données partagées
referral-urgency = Urgente parce que
referral-answer-by = Réponse attendue avant (facultatif, UTC)
referral-answer-by-help = Sans cela, le délai des services s'applique (plus court en cas d'urgence).
referral-consent = Consentement de la personne
referral-consent-help = Expliquez à la personne, dans une langue qu'elle comprend, quelle structure la reçoit, pour quels services, quelles données sont partagées, et qu'elle peut retirer son consentement à tout moment. Rien n'est envoyé sans ce consentement.
referral-consent-child = Cette personne est un enfant ou présumée telle : le consentement est donné par un parent, un tuteur ou un représentant légal.
referral-consent-informed = La personne (ou son tuteur) a été informée et consent à cette orientation.
referral-consent-given-by = Consentement donné par
referral-consent-language = Langue de l'information (code ISO)
referral-consent-witness = Témoin (nom et fonction, facultatif)
referral-consent-given-at = Consentement donné le (UTC)
referral-consent-withdrawn = Retiré
referral-consent-in-force = Non : en vigueur
referral-consent-withdraw = Enregistrer le retrait du consentement par la personne
referral-consent-not-yet = Le consentement est joint à l'envoi de l'orientation.
referral-send-now = Envoyer maintenant
referral-save-draft = Enregistrer comme brouillon
referral-form-errors = Certaines réponses demandent votre attention : voir les messages près des champs.
referral-title = Orientation
referral-from = Envoyée par
referral-sent = Envoyée le
referral-assignee = Attribuée à
referral-unassigned = Personne pour l'instant
referral-steps = Ce que vous pouvez faire
referral-reason = Motif
referral-assign-to = Attribuer à
referral-assign = Attribuer
referral-shared = Ce que le consentement partage
referral-shared-after-withdrawal = Le consentement a été retiré le { $when } : ce qui a été enregistré après n'est pas partagé.
referral-health-not-kept = Tabara ne conserve aucun dossier de santé : demandez à la structure d'origine.
referral-fact-status = Statut du dossier
referral-fact-opened = Dossier ouvert le
referral-contact-email = Courriel
referral-contact-address = Adresse
referral-timeline = Historique
referral-drafted = Brouillon créé
referral-person-list = Orientations
referral-none = Aucune orientation pour l'instant.
rule-out-of-turn = Cette étape n'est pas possible dans le statut actuel de l'orientation.
rule-not-allowed = Vous ne pouvez pas effectuer cette étape sur cette orientation.
rule-own-agency = Une orientation va vers une autre structure.
rule-not-offered = La structure n'offre pas ce service (voir l'annuaire des services).
rule-missing = Aucun consentement à une orientation vers cette structure n'est enregistré.
rule-withdrawn = La personne a retiré son consentement à une orientation vers cette structure.
rule-service-not-covered = Le consentement ne couvre pas ces services.
rule-data-not-covered = Le consentement ne couvre pas les données partagées.
rule-already-withdrawn = Ce consentement a déjà été retiré.
rule-before-given = Un consentement est retiré après avoir été donné.
rule-guardian-required = Le consentement d'un enfant est donné par un parent, un tuteur ou un représentant légal.
rule-language-code = Utilisez un code de langue de deux ou trois lettres comme rn, fr, sw ou en.
rule-in-the-past = Ce moment est passé : choisissez-en un plus tard.
rule-out-of-range = Cette valeur est hors de la plage autorisée.
rule-datetime = Écrivez la date et l'heure sous la forme AAAA-MM-JJ HH:MM.
rule-not-of-agency = Choisissez un utilisateur de la structure destinataire.
## issue 12: referral command
referral-list-agency-needed = Nommez la structure avec --agency, ou demandez toutes les orientations en retard avec --overdue.
referral-list-empty = Aucune orientation.
referral-list-yes = oui
referral-list-overdue = en retard
referral-list-col-case = Dossier
referral-list-col-from = De
referral-list-col-to = Vers
referral-list-col-services = Services
referral-list-col-state = Statut
referral-list-col-urgent = Urgente
referral-list-col-due = Réponse attendue (UTC)
referral-list-col-id = Orientation
error-referral-deadlines = TABARA_REFERRAL_DEADLINES n'est pas compris ({ $problems }). Écrivez des paires service=heures, par exemple shelter=12, medical=2, urgent=2.
demo-referrals = Orientations : { $count } dans tous les états (certaines en retard), { $withdrawn } consentements retirés depuis.
## issue 12: services directory (audit words, from the directory's branch)
audit-action-service-provider-create = prestataire de services ajouté
audit-action-service-provider-update = prestataire de services modifié
audit-action-service-provider-capacity = places libres communiquées
kind-service-provider = prestataire de services
## issue 12: referral figures
figures-title = Orientations
figures-note = Sur l'ensemble du registre. Les nombres de 1 à 4 sont indiqués « moins de 5 », pour que personne ne puisse être reconnu.
figures-fewer-than = moins de { $count }
figures-overdue = Envoyées et sans réponse après leur échéance
figures-median = Délai médian entre l'envoi et l'acceptation
figures-median-none = Aucune orientation acceptée pour l'instant
figures-median-too-few = Non indiqué : moins de 5 orientations acceptées
figures-children = Enfants dans le parcours (dossiers ouverts concernant un enfant)
figures-by-state = Orientations par statut
figures-by-service = Orientations par service demandé
figures-col-state = Statut
figures-col-service = Service
figures-col-count = Orientations
figures-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
figures-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
}
figures-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
}
