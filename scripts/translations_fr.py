"""French translations of the console and the public page, merged into django.po.

Run after `django-admin makemessages -l fr` (from visabond/); then `./dev test` checks that
the compiled catalogue is current.
"""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "visabond/locale/fr/LC_MESSAGES/django.po"

FRENCH = {
    "Sign in": "Se connecter",
    "User name": "Nom d'utilisateur",
    "Password": "Mot de passe",
    "English": "Anglais",
    "French": "Français",
    "Destination (issuing state)": "Destination (État de délivrance)",
    "Nationality": "Nationalité",
    "Visa class": "Catégorie de visa",
    "Date of application": "Date de la demande",
    "As announced by (optional)": "Tel qu'annoncé au (facultatif)",
    "Effective from": "En vigueur à partir du",
    "Announced on": "Annoncé le",
    "Reason": "Motif",
    "Source (title)": "Source (titre)",
    "Source (address)": "Source (adresse)",
    "Bond required": "Caution exigée",
    "Allowed amounts": "Montants autorisés",
    "e.g. 5000, 10000, 15000": "p. ex. 5000, 10000, 15000",
    "Standard amount": "Montant standard",
    "Currency": "Devise",
    "Entries": "Entrées",
    "Visa validity (days)": "Validité du visa (jours)",
    "Longest admission (days)": "Séjour maximal (jours)",
    "Designated ports (IATA)": "Points d'entrée désignés (IATA)",
    "e.g. BOS JFK IAD": "p. ex. BOS JFK IAD",
    "Visa issuance suspended": "Délivrance des visas suspendue",
    "Notes": "Remarques",
    "Effective until (inclusive)": "En vigueur jusqu'au (inclus)",
    "Program": "Programme",
    "* for all classes": "* pour toutes les catégories",
    "Keep the current end date": "Conserver la date de fin actuelle",
    "Approve": "Approuver",
    "Reject": "Rejeter",
    "Acknowledge": "Prendre acte",
    "%(issuer)s has suspended routine visa issuance for nationals of %(nationality)s.": "%(issuer)s a suspendu la délivrance ordinaire des visas aux ressortissants de %(nationality)s.",
    "No visa bond is required of nationals of %(nationality)s for this visa on %(on)s.": "Aucune caution de visa n'est exigée des ressortissants de %(nationality)s pour ce visa le %(on)s.",
    "A visa bond is required of nationals of %(nationality)s: the consular officer sets it at the interview among %(amounts)s (standard: %(standard)s).": "Une caution de visa est exigée des ressortissants de %(nationality)s : l'agent consulaire la fixe lors de l'entretien parmi %(amounts)s (montant standard : %(standard)s).",
    "Pay the bond only after a consular officer directs you to; a bond does not guarantee a visa.": "Ne versez la caution que lorsqu'un agent consulaire vous le demande ; une caution ne garantit pas la délivrance du visa.",
    "further notice": "nouvel ordre",
    "This rule applies from %(start)s until %(end)s.": "Cette règle s'applique du %(start)s jusqu'au %(end)s.",
    "The visa allows a single entry and is valid for %(days)s days.": "Le visa permet une seule entrée et est valable %(days)s jours.",
    "Enter and leave only through: %(ports)s. Other ports may mean refused entry or an unrecorded departure.": "Entrez et sortez uniquement par : %(ports)s. Ailleurs, l'entrée peut être refusée ou la sortie ne pas être enregistrée.",
    "Policy registry": "Registre des mesures",
    "Today is %(today)s.": "Nous sommes le %(today)s.",
    "Designate": "Désigner",
    "Rules": "Règles",
    "Issuer": "État",
    "Status today": "Statut aujourd'hui",
    "In force": "En vigueur",
    "Versions": "Versions",
    "never": "jamais",
    "Visa bond requirements": "Cautions de visa : conditions",
    "Do I need a visa bond?": "Dois-je verser une caution de visa ?",
    "Pick the country you are going to, your nationality, the visa you need and the date you apply. The answer cites the rule and its source.": "Choisissez le pays de destination, votre nationalité, le visa demandé et la date de la demande. La réponse cite la règle et sa source.",
    "Check": "Vérifier",
    "A bond is required": "Une caution est exigée",
    "Visa issuance is suspended": "La délivrance des visas est suspendue",
    "No bond is required": "Aucune caution n'est exigée",
    "This rule mirrors, by reciprocity, the conditions %(issuer)s applies to the other state's nationals.": "Cette règle reprend, par réciprocité, les conditions que %(issuer)s applique aux ressortissants de l'autre État.",
    "As announced by %(known)s.": "Tel qu'annoncé au %(known)s.",
    "Sources": "Sources",
    "Legal basis": "Base juridique",
    "Reciprocity reviews": "Révisions de réciprocité",
    "A source rule that a mirrored rule follows has changed. Approve to apply the mirrored change from its own date, reject to keep the mirrored rule as it is.": "Une règle source suivie par une règle réciproque a changé. Approuvez pour appliquer le changement à sa propre date, rejetez pour conserver la règle réciproque telle quelle.",
    "source rule": "règle source",
    "Source": "Source",
    "effective": "en vigueur",
    "announced": "annoncée",
    "Mirrored rule": "Règle réciproque",
    "Proposed": "Proposition",
    "cap": "plafond",
    "Proposed: withdraw the mirrored rule.": "Proposition : retirer la règle réciproque.",
    "Reject (keep as is)": "Rejeter (conserver telle quelle)",
    "Nothing to review.": "Rien à examiner.",
    "Rule": "Règle",
    "rule": "règle",
    "Timeline as known today": "Chronologie connue à ce jour",
    "version": "version",
    "Never in force.": "Jamais en vigueur.",
    "History": "Historique",
    "Action": "Action",
    "Effective": "En vigueur",
    "Announced": "Annoncée",
    "Terms": "Conditions",
    "Reason and source": "Motif et source",
    "By": "Par",
    "standard": "standard",
    "no bond": "pas de caution",
    "issuance suspended": "délivrance suspendue",
    "mirrors rule %(rule)s v%(version)s of %(issuer)s": "reprend la règle %(rule)s v%(version)s de %(issuer)s",
    "Amend": "Modifier",
    "Record amendment": "Enregistrer la modification",
    "Withdraw": "Retirer",
    "Record withdrawal": "Enregistrer le retrait",
    "Designate a nationality": "Désigner une nationalité",
    "Record designation": "Enregistrer la désignation",
    "This page needs another role.": "Cette page demande un autre rôle.",
    "Nationalities required to post a bond: %(name)s": "Nationalités soumises à caution : %(name)s",
    "Amendment recorded as version %(v)s.": "Modification enregistrée (version %(v)s).",
    "Withdrawal recorded as version %(v)s.": "Retrait enregistré (version %(v)s).",
    "Designation recorded.": "Désignation enregistrée.",
    "approved": "approuvé",
    "Review %(id)s decided.": "Révision %(id)s tranchée.",
    "Check requirements": "Vérifier les conditions",
    "Sign out": "Se déconnecter",
    "write each pair as SOURCE=TARGET, e.g. BOS=BKO (%(pair)s)": "écrivez chaque paire sous la forme SOURCE=CIBLE, p. ex. BOS=BKO (%(pair)s)",
    "give at least one pair": "donnez au moins une paire",
    "Reciprocity towards": "Réciprocité envers",
    "Visa classes (theirs=ours)": "Catégories de visa (les leurs=les nôtres)",
    "Ports (theirs=ours)": "Points d'entrée (les leurs=les nôtres)",
    "Cap on the amount": "Plafond du montant",
    "Cap currency": "Devise du plafond",
    "Mode": "Mode",
    "adopted: each change waits for approval": "adoptée : chaque changement attend une approbation",
    "automatic": "automatique",
    "Adopt reciprocity": "Adopter la réciprocité",
    "Apply to nationals of another state the conditions that state applies to our nationals. Its rules in force come up in the review queue.": "Appliquer aux ressortissants d'un autre État les conditions que cet État applique à nos ressortissants. Ses règles en vigueur arrivent dans la file de révision.",
    "Adopt": "Adopter",
    "Designations by country: %(name)s": "Désignations par pays : %(name)s",
    "Reciprocity towards %(state)s adopted; %(n)s rules await review.": "Réciprocité envers %(state)s adoptée ; %(n)s règles attendent une révision.",
    "Sign-in locked": "Connexion bloquée",
    "Too many failed sign-ins for this account or from this address. Sign-in is locked for 15 minutes.": "Trop d'échecs de connexion pour ce compte ou depuis cette adresse. La connexion est bloquée pendant 15 minutes.",
    "Back to the requirements page": "Retour à la page des conditions",
    "States in the registry": "États présents dans le registre",
    "Other states (no information)": "Autres États (aucune information)",
    "any visa class": "toute catégorie de visa",
    "%(issuer)s has suspended routine visa issuance for nationals %(of_nationality)s.": "%(issuer)s a suspendu la délivrance ordinaire des visas aux ressortissants %(of_nationality)s.",
    "This rule mirrors, by reciprocity, the conditions %(issuer)s applies to this state's nationals.": "Cette règle reprend, par réciprocité, les conditions que %(issuer)s applique aux ressortissants de cet État.",
    "No visa bond is required of nationals %(of_nationality)s for this visa on %(on)s.": "Aucune caution de visa n'est exigée des ressortissants %(of_nationality)s pour ce visa le %(on)s.",
    "A visa bond is required of nationals %(of_nationality)s: the consular officer sets it at the interview among %(amounts)s (standard: %(standard)s).": "Une caution de visa est exigée des ressortissants %(of_nationality)s : l'agent consulaire la fixe lors de l'entretien parmi %(amounts)s (montant standard : %(standard)s).",
    "This rule applies from %(start)s until further notice.": "Cette règle s'applique à partir du %(start)s jusqu'à nouvel ordre.",
    "Form I-352, paid through Pay.gov only after a consular officer directs it; money paid without direction is not returned; a bond does not guarantee issuance.": "Formulaire I-352, à payer sur Pay.gov uniquement lorsqu'un agent consulaire le demande ; une somme versée sans cette demande n'est pas remboursée ; une caution ne garantit pas la délivrance du visa.",
    "Routine visa operations at the U.S. Embassy in Ouagadougou suspended; nonimmigrant applicants apply at the U.S. Embassy in Lomé. Official and diplomatic visas are not affected.": "Les services ordinaires de visas de l'ambassade des États-Unis à Ouagadougou sont suspendus ; les demandeurs de visas de non-immigrant s'adressent à l'ambassade des États-Unis à Lomé. Les visas officiels et diplomatiques ne sont pas concernés.",
    "No information for this state": "Aucune information sur cet État",
    "visabond has no information about the visa rules %(state)s. This is not an answer that no bond is required: ask the state's consulate.": "visabond n'a aucune information sur les règles de visa %(state)s. Ce n'est pas une réponse indiquant qu'aucune caution n'est exigée : renseignez-vous auprès du consulat de cet État.",
    "Visitor for business or pleasure (B-1/B-2)": "Visiteur d'affaires ou de tourisme (B-1/B-2)",
    "Transit and crew (C-1/D)": "Transit et équipage (C-1/D)",
    "Academic student (F-1)": "Étudiant (F-1)",
    "Vocational student (M-1)": "Étudiant en formation professionnelle (M-1)",
    "Exchange visitor (J-1)": "Visiteur d'échange (J-1)",
    "Specialty occupation worker (H-1B)": "Travailleur spécialisé (H-1B)",
    "Extraordinary ability (O-1)": "Aptitudes extraordinaires (O-1)",
    "Representative of foreign media (I)": "Représentant des médias étrangers (I)",
    "Short-stay visa (visa de court séjour): tourism, business, family visits": "Visa de court séjour : tourisme, affaires, visites familiales",
    "Long-stay visa (visa de long séjour)": "Visa de long séjour",
    "Transit visa": "Visa de transit",
    "Access refused": "Accès refusé",
    "Your account does not have the role this page needs.": "Votre compte n'a pas le rôle que demande cette page.",
    "Page not found": "Page introuvable",
    "There is no page at this address. It may have moved, or the address may be mistyped.": "Il n'y a pas de page à cette adresse. Elle a peut-être été déplacée, ou l'adresse est mal saisie.",
    "Server error": "Erreur du serveur",
    "The server failed to answer. Nothing was recorded; please try again in a moment.": "Le serveur n'a pas pu répondre. Rien n'a été enregistré ; veuillez réessayer dans un instant.",
    "Skip to the content": "Aller au contenu",
    "Site": "Site",
    "Too many questions": "Trop de questions",
    "Too many questions from your address": "Trop de questions depuis votre adresse",
    "This form has expired or did not come from this site. Reload the page and send it again.": "Ce formulaire a expiré ou ne provient pas de ce site. Rechargez la page et envoyez-le à nouveau.",
    "%(port)s is not an IATA airport code": "%(port)s n'est pas un code d'aéroport IATA",
    "Empty: the source rule's own date.": "Vide : la date propre de la règle source.",
    "I confirm the effective date, although it has passed": "Je confirme la date d'effet, bien qu'elle soit passée",
    "a bond is required (%(amounts)s)": "une caution est exigée (%(amounts)s)",
    "no bond is required": "aucune caution n'est exigée",
    "; visa issuance suspended": " ; délivrance des visas suspendue",
    "The public answer if approved": "La réponse publique en cas d'approbation",
    "From %(day)s, for %(visa)s: %(after)s (today's answer for that day: %(before)s).": "À partir du %(day)s, pour %(visa)s : %(after)s (réponse actuelle pour ce jour : %(before)s).",
    "Preview": "Aperçu",
    "Preview the public answer": "Voir la réponse publique",
    "The public answer once recorded": "La réponse publique une fois la décision enregistrée",
    "This date has passed: recording changes answers already given, and needs your confirmation.": "Cette date est passée : enregistrer modifie des réponses déjà données, et demande votre confirmation.",
    "Check the public answer this decision gives with these values, then record it.": "Vérifiez la réponse publique que donne cette décision avec ces valeurs, puis enregistrez-la.",
    "Check the public answer for the dates chosen, then approve.": "Vérifiez la réponse publique pour les dates choisies, puis approuvez.",
    "Say why: a reason is required.": "Dites pourquoi : un motif est exigé.",
    "corrects v%(n)s": "corrige la v%(n)s",
    "This rule was withdrawn: there is nothing left to amend or withdraw. Designate the nationality anew to restore a requirement.": "Cette règle a été retirée : il n'y a plus rien à modifier ni à retirer. Désignez à nouveau la nationalité pour rétablir une exigence.",
    "This rule was withdrawn; designate anew instead.": "Cette règle a été retirée ; désignez à nouveau.",
}
# The same English sentence with a plural subject: French verbs agree ("les États-Unis ont").
IN_CONTEXT = {
    (
        "plural issuer",
        "%(issuer)s has suspended routine visa issuance for nationals %(of_nationality)s.",
    ): "%(issuer)s ont suspendu la délivrance ordinaire des visas aux ressortissants %(of_nationality)s.",
    (
        "plural issuer",
        "This rule mirrors, by reciprocity, the conditions %(issuer)s applies to this state's nationals.",
    ): "Cette règle reprend, par réciprocité, les conditions que %(issuer)s appliquent aux ressortissants de cet État.",
}
PLURALS = {
    "Admission is usually for at most %(days)s day.": {
        0: "L'admission est en général d'au plus %(days)s jour.",
        1: "L'admission est en général d'au plus %(days)s jours.",
    },
    "This address has asked more questions in a short time than a person does. Please wait %(seconds)s second and ask again.": {
        0: "Cette adresse a posé plus de questions en peu de temps qu'une personne ne le fait. Veuillez attendre %(seconds)s seconde et recommencer.",
        1: "Cette adresse a posé plus de questions en peu de temps qu'une personne ne le fait. Veuillez attendre %(seconds)s secondes et recommencer.",
    },
    "%(n)s reciprocity review is waiting.": {
        0: "%(n)s révision de réciprocité en attente.",
        1: "%(n)s révisions de réciprocité en attente.",
    },
}


def main() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    catalogue.metadata["Language"] = "fr"
    catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    # Messages the code no longer has (makemessages keeps them as "#~") go.
    for entry in catalogue.obsolete_entries():
        catalogue.remove(entry)
    missing = []
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            # A guess from a similar message: only this table's own translation counts.
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        if entry.msgid_plural:
            entry.msgstr_plural = PLURALS.get(entry.msgid, entry.msgstr_plural)
        elif (entry.msgctxt, entry.msgid) in IN_CONTEXT:
            entry.msgstr = IN_CONTEXT[(entry.msgctxt, entry.msgid)]
        elif entry.msgid in FRENCH and not entry.msgctxt:
            entry.msgstr = FRENCH[entry.msgid]
        if not (entry.msgstr or any(entry.msgstr_plural.values())):
            missing.append(entry.msgid)
    catalogue.save()
    catalogue.save_as_mofile(str(CATALOGUE.with_suffix(".mo")))
    if missing:
        raise SystemExit(f"untranslated: {missing}")


if __name__ == "__main__":
    main()
