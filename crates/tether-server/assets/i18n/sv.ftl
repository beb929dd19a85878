# Tethers texter på svenska. Fluent-syntax (https://projectfluent.org/fluent/guide/).
# Varje nyckel här måste också finnas i en.ftl (tests/i18n.rs fallerar annars). Termerna följer
# ordlistan i docs/ui.md (post, ärende, chatt, kanal, ägare, behörighet …).

## Gemensamt

loading = Läser in…
date-today = I dag
date-yesterday = I går
date-just-now = nyss
size-bytes = { $n } B
size-kb = { $n } kB
size-mb = { $n } MB
language-en = English
language-sv = Svenska
record-state-active = Aktiv
record-state-resolved = Löst
record-state-cancelled = Avbruten

## api.js: fel som servern inte förklarat

api-status = Servern svarade { $status }.
api-status-retry = Servern svarade { $status }. Försök igen.
api-unreachable = Det går inte att nå Tether-servern. Kontrollera anslutningen och försök igen.
api-upload-unreachable = Uppladdningen misslyckades: servern går inte att nå.
api-upload-cancelled = Uppladdningen avbröts.
api-upload-failed = Uppladdningen misslyckades ({ $status }).

## Sidornas ramar (src/web/pages.rs)

page-title-login = Logga in
page-title-home = Mitt arbete
page-title-record = Post
page-title-records = Poster
page-title-chats = Chattar
page-title-admin = Administration
page-title-error = Fel
page-loading = Läser in…
page-skip-to-content = Hoppa till innehållet
page-needs-javascript = Tether behöver JavaScript på den här sidan. Slå på det i webbläsaren.
page-error-heading = Sidan kunde inte visas
page-back-to-my-work = Tillbaka till Mitt arbete
nav-main = Huvudmeny
nav-my-work = Mitt arbete
nav-chats = Chattar
nav-admin = Administration

## shell.js: verktygsfältet

shell-enable-notifications = Slå på aviseringar
shell-sign-out = Logga ut
shell-unread = { $count ->
    [one] { $count } oläst meddelande
   *[other] { $count } olästa meddelanden
}
shell-notifications-on = Aviseringar är på för omnämnanden och brådskande meddelanden.
shell-notifications-off = Aviseringar förblir avstängda.
shell-someone = Någon
shell-urgent-from = Brådskande meddelande från { $name }
shell-mentioned-you = { $name } nämnde dig
shell-notification-toast = { $title }: { $text }

## login.js

login-title = Logga in
login-tagline = Alla samtal om en post, på ett ställe.
login-email = E-postadress
login-password = Lösenord
login-submit = Logga in
login-submitting = Loggar in…

## menu.js och dialog.js

menu-no-actions = Inga åtgärder tillgängliga
dialog-close = Stäng
dialog-confirm = Bekräfta
dialog-cancel = Avbryt
dialog-check-fields = Kontrollera de markerade fälten.

## account.js: användarmenyn

account-menu = Ditt konto
account-menu-of = { $name }, ditt konto
account-change-password = Byt lösenord
account-change-password-intro = Du förblir inloggad här; alla andra webbläsare och appar där du är inloggad loggas ut.
account-current-password = Nuvarande lösenord
account-new-password = Nytt lösenord
account-new-password-hint = Minst { $min } tecken. Några orelaterade ord blir ett bra lösenord.
account-repeat-password = Upprepa det nya lösenordet
account-passwords-differ = De nya lösenorden stämmer inte överens.
account-password-changed = Ditt lösenord är bytt. Dina andra sessioner har loggats ut.
account-field-error = { $field }: { $message }
account-preferences = Språk och tidszon
account-preferences-intro = Tether visar texterna på det här språket och tiderna i den här tidszonen, i alla webbläsare där du loggar in.
account-language = Språk
account-language-browser = Som min webbläsare
account-time-zone = Tidszon
account-time-zone-browser = Som min webbläsare ({ $zone })
account-save = Spara
account-email = E-post om det jag missat
account-email-intro = När någon nämner dig, skickar ett brådskande meddelande till dig eller lägger till dig i en chatt och du inte har läst det efter en stund, skickar Tether ett e-postmeddelande med länkar till chattarna.
account-email-digest = Skicka e-post om det jag missat
account-email-off-server = Den här Tether-servern skickar ingen e-post (ingen e-postserver är inställd), så inget skickas just nu.
account-email-saved = Sparat.

## E-postsammanfattningen av det någon missat (src/app/digest/compose.rs)

digest-subject = Tether: det här har du missat ({ $count })
digest-subject-urgent = Tether: brådskande, det här har du missat ({ $count })
digest-greeting = Hej { $name }! Det här har du inte läst ännu i Tether.
digest-mention = { $name } nämnde dig
digest-urgent = Brådskande meddelande från { $name }
digest-urgent-mention = { $name } nämnde dig i ett brådskande meddelande
digest-added = { $name } lade till dig i den här chatten
digest-added-by-system = Du har lagts till i den här chatten
digest-someone = Någon
digest-more = och { $count } till
digest-more-chats = { $count } till i andra chattar
digest-open = Öppna chatten
digest-footer = Du får det här e-postmeddelandet eftersom du inte har läst detta ännu. Vill du inte få fler, öppna Tether, välj ditt namn högst upp och sedan E-post om det jag missat.

## tour.js: introduktionen till samarbetspanelen

tour-panel-title = Samarbeta kring posten
tour-panel-text = Alla chattar och kanaler om posten finns här, bredvid själva posten. Vi tar en snabb titt.
tour-new-connected-title = Starta en ansluten chatt
tour-new-connected-text = Bjud in de personer du behöver. Chatten ansluts till posten, börjar tom och kan inledas med ett presentationskort.
tour-filter-title = Hitta alla chattar
tour-filter-text = Skriv en del av en chatts namn för att filtrera alla avsnitt, hur gammal chatten än är.
tour-connected-title = Anslutna till posten
tour-connected-text = Chattar om den här posten. Ett lås betyder att du inte är medlem än: håll muspekaren över och gå med för att se hela historiken.
tour-suggested-title = Föreslagna kontakter
tour-suggested-text = Ägaren, teamet och experter som har löst liknande poster, var och en med sitt skäl. Ett klick startar en ansluten chatt.
tour-channels-title = Kanaler
tour-channels-text = Anslut en teamkanal till posten, eller skapa en ny, för att arbeta med den tillsammans med hela teamet.
tour-step = Steg { $step } av { $total }
tour-back = Tillbaka
tour-next = Nästa
tour-done = Klart
tour-skip = Hoppa över

## home.js: Mitt arbete

home-greeting-morning = God morgon, { $name }
home-greeting-afternoon = God eftermiddag, { $name }
home-greeting-evening = God kväll, { $name }
home-intro = Dina poster och dina senaste samtal.
home-all-records = Alla poster av typen { $type }
home-my-records = Mina poster
home-record-types = Posttyper
home-search-label = Sök bland mina poster
home-search-placeholder = Namn eller nummer
home-no-match = Inget matchar sökningen.
home-no-records = Du äger inga poster av typen { $type }.
home-all-of-type = Alla { $types }
home-none-of-type = Du äger inga { $types }.
home-col-name = Namn
home-col-number = Nummer
home-col-state = Status
home-col-updated = Uppdaterad
home-recent-chats = Senaste chattar
home-open-chat-app = Öppna chattappen
home-no-chats = Inga chattar än. Öppna en post för att starta en, eller använd chattappen.
home-members = { $count ->
    [one] { $count } medlem
   *[other] { $count } medlemmar
}

## Fel: texterna för varje felkod (`code`, docs/api.md). Allmänna koder följs av serverns
## egen förklaring (problem-with-detail).

problem-with-detail = { $text } Serverns förklaring: { $detail }
problem-request-malformed = Begäran kunde inte läsas.
problem-request-media_type = Begäran skickades i ett format som servern inte tar emot.
problem-request-uri_too_long = Adressen är för lång.
problem-request-headers_too_large = Begärans huvuden är för stora.
problem-method_not_allowed = Det går inte att göra på den här adressen.
problem-auth-required = Logga in först.
problem-auth-bad_credentials = Fel e-postadress eller lösenord.
problem-auth-session_expired = Din session har gått ut eller avslutats. Logga in igen.
problem-auth-deactivated = Ditt konto är inaktiverat.
problem-auth-account_gone = Ditt konto finns inte längre.
problem-auth-malformed_header = Begärans inloggningsuppgifter går inte att läsa.
problem-auth-csrf = Sidan är inaktuell. Ladda om den och försök igen.
problem-forbidden = Du har inte behörighet att göra det.
problem-admin-required = Det här kräver administratörsbehörighet; kontakta en administratör.
problem-api_key-invalid = API-nyckeln gäller inte: den har återkallats eller har aldrig funnits.
problem-api_key-not_a_session = En API-nyckel fungerar bara för integrationerna; logga in som person här.
problem-api_key-scope_missing = API-nyckeln saknar behörigheten som krävs.
problem-user-last_admin = Personen är den sista administratören; gör någon annan till administratör först.
problem-user-admin_by_key = En API-nyckel kan inte ändra en administratör eller ge administratörsbehörighet.
problem-collab-disabled = Samarbete är avstängt på den här servern; en administratör kan slå på det.
problem-collab-privilege_missing = Du behöver behörighet att använda chattar; kontakta en administratör.
problem-collab-chats_off = Chattar är avstängda för den här posttypen; en administratör kan slå på dem.
problem-collab-channels_off = Kanaler är avstängda för den här posttypen; en administratör kan slå på dem.
problem-record-read_denied = Du har inte åtkomst till den här posten.
problem-record-write_denied = Du kan läsa posten men inte ändra den.
problem-record-owner_denied = Du kan inte ge posten till den ägaren.
problem-not_found = Det hittades inte, eller så kan du inte se det.
problem-conflict = Det går inte ihop med hur det ser ut nu.
problem-too_large = Det är för stort.
problem-validation = En del av det som angavs är inte giltigt.
problem-validation-field = Några fält är inte giltiga.
problem-rate_limited = För många försök. Vänta en stund och försök igen.
problem-unavailable = Servern kan inte svara just nu; inget sparades. Försök igen om en liten stund.
problem-storage-full = Serverns lagring är full, så inget sparades. Kontakta din administratör.
problem-busy = Servern är upptagen. Försök igen om några sekunder.
problem-internal = Något gick fel hos oss. Felet är loggat; försök igen.
problem-unhealthy = Servern mår inte bra.
problem-error = Något gick fel.
problem-password-wrong = Det här är inte ditt nuvarande lösenord.
problem-password-too_short = Lösenordet måste ha minst 10 tecken.
problem-password-too_long = Lösenordet får ha högst 1 024 tecken.
problem-password-only_spaces = Lösenordet får inte bestå av bara mellanslag.
problem-locale-unsupported = Välj engelska eller svenska.
problem-time_zone-unknown = Välj en tidszon i listan.
problem-value-missing = Det här måste fyllas i.
problem-value-empty = Det här får inte vara tomt.
problem-value-too_long = Använd högst { $max } tecken.
problem-value-too_short = Använd minst { $min } tecken.
problem-value-too_many = Välj högst { $max }.
problem-value-characters = Ta bort kontrolltecknen, de osynliga tecknen eller textriktningstecknen.
problem-value-kind = Ange { $kind ->
    [number] ett tal
    [date] ett datum (ÅÅÅÅ-MM-DD)
    [boolean] ja eller nej
    [lookup] en post ur listan
   *[other] text
  }.
problem-value-range = Talet är för stort (högst 15 siffror).
problem-value-option = Välj ett av alternativen som erbjuds.
problem-value-unknown_field = Det här är inte ett fält i posttypen.
problem-value-read_only = Det här sätts av servern och kan inte ändras.
problem-value-not_found = Det finns inte, eller så kan du inte se det.
problem-value-deactivated = { $name } är inaktiverad.
problem-value-email = Ange en e-postadress, till exempel namn@exempel.se.
problem-value-internal_name = Använd 2–49 tecken av a–z, 0–9 och _, och börja med en bokstav.
problem-value-duplicate = Det här förekommer två gånger.
problem-value-format = Det här har inte en form som servern kan läsa.
problem-value-number_prefix = Använd 2–5 versaler, till exempel ARE.
problem-chat-no_other_member = Välj minst en person till.
problem-chat-already_members = Alla som valts är redan medlemmar.
problem-record-not_connected = Chatten är inte kopplad till posten; koppla den från postens panel först.
problem-range-order = Början får inte ligga efter slutet.
problem-range-empty = Det finns inga meddelanden i det intervallet.
problem-search-empty = Skriv ett ord att söka efter.
problem-file-empty = Filen är tom.
problem-message-limit = Meddelandet har för många tabellceller eller för mycket formatering för att visas. Korta det.
problem-field-name = Namn
problem-field-email = E-post
problem-field-password = Lösenord
problem-field-members = Personer
problem-field-body = Text
problem-field-subject = Ämne
problem-field-owner = Ägare
problem-field-display_name = Visningsnamn
problem-field-number_prefix = Nummerprefix
problem-field-period = Period
problem-field-file = Fil
problem-field-search = Sök
problem-fields = { $text } { $list }

## chat.js: one chat of the chat control

chat-connected-records = Anslutna poster
chat-record-locked-title = Du kan inte öppna den här posten
chat-record-locked = en post du inte kan öppna
chat-kind-one-on-one = Enskild chatt
chat-kind-channel = Kanal
chat-kind-group = Gruppchatt
chat-unnamed = chatt
chat-untitled = Chatt
chat-members = Medlemmar
chat-members-count = Medlemmar ({ $count })
chat-messages-in = Meddelanden i { $name }
chat-new-messages = Nya meddelanden
chat-drop-files = Släpp filer för att bifoga dem
chat-loading-messages = Hämtar meddelanden…
chat-cannot-write = Du kan inte skriva i den här chatten.
chat-loading-earlier = Hämtar tidigare meddelanden…
chat-message-gone = Meddelandet finns inte längre i den här chatten.
chat-save-transcript-menu = Spara utskrift till post…
chat-transcript-title = Spara utskrift till post
chat-transcript-no-record = Chatten är inte ansluten till någon post som du kan öppna. Anslut den först från postens panel och spara sedan utskriften där.
chat-ok = OK
chat-transcript-intro = De meddelanden du ser i chatten sparas som en anteckning på postens tidslinje, där alla som kan läsa posten ser den.
chat-transcript-record = Post
chat-transcript-from = Från
chat-transcript-to = Till
chat-transcript-hint = Lämna båda tomma för att spara hela konversationen.
chat-cancel = Avbryt
chat-transcript-save = Spara utskrift
chat-transcript-saved = Utskriften är sparad på tidslinjen för ”{ $name }”.
chat-rename = Byt namn på chatten
chat-open-in-app = Öppna i chattappen
chat-actions = Chattåtgärder
chat-load-earlier = Hämta tidigare meddelanden
chat-beginning = Här börjar konversationen.
chat-empty = Inga meddelanden än. Säg hej!
chat-removed = Du är inte längre medlem i den här chatten.
chat-edit-message = Redigera meddelande
chat-save = Spara
chat-edit-hint = Enter sparar · Escape avbryter
chat-delete-title = Ta bort meddelandet?
chat-delete-text = Meddelandet tas bort för alla i chatten. Det går inte att ångra.
chat-delete = Ta bort
chat-name = Chattens namn
chat-you = (du)
chat-deactivated = inaktiverad
chat-leave-this = Lämna chatten
chat-remove-person = Ta bort { $name }
chat-leave = Lämna
chat-remove = Ta bort
chat-add-people = Lägg till personer
chat-start-group-with = Starta en gruppchatt med
chat-history-all = Hela historiken
chat-history-none = Ingen historik (bara nya meddelanden)
chat-history-days = De senaste … dagarna
chat-history-days-count = Antal dagar
chat-history-label = De kan se
chat-choose-to-add = Välj minst en person att lägga till.
chat-add = Lägg till
chat-one-on-one-stays = En enskild chatt stannar alltid mellan er två. Lägger du till personer startar en ny gruppchatt.
chat-choose-person = Välj minst en person.
chat-start-group = Starta gruppchatt
chat-close-members = Stäng medlemmar

## composer.js: the message composer

composer-emoji-grinning = flinande
composer-emoji-smile = leende
composer-emoji-joy = glädjetårar
composer-emoji-slight-smile = litet leende
composer-emoji-wink = blinkning
composer-emoji-heart-eyes = hjärtögon
composer-emoji-thinking = funderar
composer-emoji-sweat-smile = svettigt leende
composer-emoji-cry = gråter
composer-emoji-surprised = förvånad
composer-emoji-cool = cool
composer-emoji-raised-hands = höjda händer
composer-emoji-thumbs-up = tummen upp
composer-emoji-thumbs-down = tummen ner
composer-emoji-clap = applåd
composer-emoji-thanks = tack
composer-emoji-strong = stark
composer-emoji-wave = vinkar
composer-emoji-handshake = handslag
composer-emoji-eyes = ögon
composer-emoji-done = klart
composer-emoji-no = nej
composer-emoji-warning = varning
composer-emoji-exclamation = utropstecken
composer-emoji-question = frågetecken
composer-emoji-party = fest
composer-emoji-fire = eld
composer-emoji-star = stjärna
composer-emoji-idea = idé
composer-emoji-pin = nål
composer-emoji-paperclip = gem
composer-emoji-phone = telefon
composer-emoji-e-mail = e-post
composer-emoji-clock = klocka
composer-emoji-rocket = raket
composer-emoji-coffee = kaffe
composer-emoji-heart = hjärta
composer-emoji-hundred = hundra
composer-emoji-bug = bugg
composer-emoji-tools = verktyg
composer-message-to = Meddelande till { $name }
composer-write = Skriv ett meddelande
composer-importance = Prioritet
composer-importance-normal = Normal
composer-importance-important = Viktigt
composer-importance-urgent = Brådskande
composer-emoji = Emoji
composer-mention-people = Personer att nämna
composer-attachments = Bilagor
composer-tool-keys = { $label } ({ $keys })
composer-send-message = Skicka meddelandet
composer-send-title = Skicka (Enter)
composer-send = Skicka
composer-write-to = Skriv till { $name }
composer-formatting = Formatering
composer-bold = Fetstil
composer-italic = Kursiv
composer-strikethrough = Genomstruken
composer-bulleted-list = Punktlista
composer-code = Kod
composer-link = Länk
composer-attach = Bifoga filer
composer-hint = Enter skickar · Skift+Enter ger ny rad · @ för att nämna någon
composer-link-text = länktext
composer-card-preview = Förhandsvisning av kort
composer-file-too-big = ”{ $name }” är { $size }, och filer får vara högst { $max }. Den skickades inte.
composer-remove-file = Ta bort { $name }
composer-uploading = Laddar upp { $name }
composer-wait-uploads = Vänta tills filerna har laddats upp.

## messages.js: one message

messages-remove-card-for = Ta bort kortet för { $title }
messages-remove-card = Ta bort kortet
messages-card-open-in = Öppna i { $source }
messages-reaction-mine = { $emoji } { $count }, inklusive dig. Ta bort din reaktion
messages-reaction-other = { $emoji } { $count }. Reagera också med den här
messages-urgent = Brådskande
messages-important = Viktigt
messages-add-reaction = Lägg till en reaktion
messages-react-with = Reagera med { $emoji }
messages-react = Reagera
messages-edit-message = Redigera meddelandet
messages-edit = Redigera
messages-delete-message = Ta bort meddelandet
messages-delete = Ta bort
messages-introduction = Introduktion
messages-intro-from = från { $name }
messages-deleted = Meddelandet har tagits bort
messages-unknown-sender = Okänd
system-chat-created = { $by } startade chatten med { $names }
system-channel-created = { $by } skapade kanalen { $name } i { $team }
system-chat-renamed = { $by } döpte om chatten till ”{ $name }”
system-members-added = { $by } lade till { $names } ({ $history })
system-history-all = de kan se hela historiken
system-history-none = de kan bara se nya meddelanden
system-history-days = { $days ->
    [one] de kan se det senaste dygnet
   *[other] de kan se de senaste { $days } dygnen
  }
system-handed-over = { $by } gav { $record } till { $name }, som lades till i chatten och kan se hela historiken
system-member-left = { $name } lämnade chatten
system-member-removed = { $by } tog bort { $name }
system-member-joined = { $by } gick med från { $record } och kan se hela historiken
system-chat-connected = { $by } anslöt chatten till { $record }
system-channel-connected = { $by } anslöt kanalen till { $record }
system-chat-disconnected = { $by } kopplade bort chatten från { $record }
system-channel-disconnected = { $by } kopplade bort kanalen från { $record }
system-started-from = { $by } startade chatten från { $record }
system-record-deleted = { $by } raderade { $record }; chatten och dess meddelanden finns kvar
system-field-changed = { $field } ändrades från { $old } till { $new } av { $by }
system-record-numbered = { $type } { $number }
system-record-unnumbered = en post av typen { $type }
messages-edited-at = Redigerat { $time }
messages-edited = (redigerat)

## chats.js: the chat app

chats-search = Sök chattar, personer och meddelanden
chats-channels = Kanaler
chats-show-older = Visa äldre chattar
chats-new-chat = Ny chatt
chats-messages = Meddelanden
chats-empty-title = Dina chattar
chats-empty-text = Välj en chatt till vänster eller starta en ny. Chattar som startas här visas under ”Andra chattar” i varje posts panel.
chats-list-label = Dina chattar och kanaler
chats-title = Chattar
chats-recent = Senaste
chats-pane-list = Alla chattar
chats-pane-chat = Chatt
chats-pane-parts = Sidans delar
chats-team-channel = Teamkanal
chats-direct-chat = Direktchatt
chats-you-and-more = Du, { $names } +{ $more }
chats-you-and = Du, { $names }
chats-you = Du
chats-unread = { $count ->
    [one] { $count } oläst
   *[other] { $count } olästa
}
chats-no-match = Inga chattar matchar filtret.
chats-none = Inga chattar än.
chats-unavailable = Chattar är inte tillgängliga

## dock.js: open chats and the new-chat dialog

dock-open-chats = Öppna chattar
dock-chat = Chatt
dock-unread = { $count ->
    [one] { $count } oläst
   *[other] { $count } olästa
}
dock-close-tab = Stäng (Delete)
dock-people = Personer
dock-group-name-placeholder = Valfritt för en grupp
dock-new-chat = Ny chatt
dock-new-chat-intro = En person och inget namn: din enskilda chatt med personen. Fler personer, eller ett namn: en gruppchatt.
dock-group-name = Gruppens namn
dock-cancel = Avbryt
dock-start-chat = Starta chatt
dock-choose-person = Välj minst en person.

## people.js: the people picker

people-label = Personer
people-chosen = Valda: { $label }
people-placeholder = Skriv ett namn eller en e-postadress
people-remove = Ta bort { $name }
people-nobody-found = Ingen hittades

## search.js: message search

search-system = System
search-in-chat = i { $name }
search-placeholder = Sök meddelanden
search-label = Sök meddelanden
search-results = Sökresultat
search-too-short = Skriv minst två bokstäver.
search-searching = Söker…
search-best-matches = De { $count } bästa träffarna för ”{ $q }”.
search-matches = { $count ->
    [one] { $count } meddelande matchar ”{ $q }”.
   *[other] { $count } meddelanden matchar ”{ $q }”.
}
search-no-matches = Inga meddelanden matchar ”{ $q }”.
search-whole-word = Sök på minst ett helt ord.

## panel.js: the collaboration panel

panel-unavailable = Samarbete på poster finns inte på den här servern än. Du kan fortfarande använda chattappen.
panel-cannot-join-title = Du kan inte gå med i ”{ $name }”
panel-member-can-add = En medlem i chatten kan lägga till dig i stället.
panel-ok = OK
panel-read-only-reason = För att starta en chatt som är ansluten till posten behöver du skrivbehörighet. Du kan bara läsa den här posten.
panel-start-connected = Starta en ansluten chatt
panel-filter-placeholder = Filtrera chattar på namn
panel-tab-chats = Chattar
panel-tab-channels = Kanaler
panel-tab-search = Sök
panel-search-placeholder = Sök meddelanden i anslutna chattar
panel-search-label = Sök i meddelandena i chattar och kanaler som är anslutna till posten
panel-search-hint = Hittar ord i alla böjningsformer (”skrivare” hittar ”skrivaren”) i postens chattar och kanaler som du är medlem i.
panel-new-chat = Ny chatt
panel-new-connected-chat = Ny ansluten chatt
panel-show-tour = Visa rundturen i panelen
panel-tour = Rundtur i panelen
panel-refresh-label = Uppdatera panelen
panel-refresh = Uppdatera
panel-collaboration = Samarbete
panel-filter-label = Filtrera chattar
panel-loading = Hämtar konversationer…
panel-connected = Anslutna till posten
panel-connected-empty = Inga chattar som du kan se är anslutna till posten. Starta en med ”Ny ansluten chatt”.
panel-connected-empty-filtered = Inga chattar som matchar ”{ $filter }” och som du kan se är anslutna till posten. Starta en med ”Ny ansluten chatt”.
panel-join-denied = Anslutna chattar som du inte är med i visas inte. { $reason }
panel-other-records = Anslutna till andra poster
panel-other-records-empty = Ingen av dina chattar är ansluten till andra poster.
panel-other-records-empty-filtered = Ingen av dina chattar som matchar ”{ $filter }” är ansluten till andra poster.
panel-other-chats = Andra chattar
panel-other-chats-empty = Inga andra chattar.
panel-other-chats-empty-filtered = Inga andra chattar som matchar ”{ $filter }”.
panel-members = { $count ->
    [one] { $count } medlem
   *[other] { $count } medlemmar
}
panel-active = aktiv { $time }
panel-connected-by-you = ansluten av dig
panel-connected-by = ansluten av { $name }
panel-join-chat = Gå med i { $name }
panel-join = Gå med
panel-disconnect-chat = Koppla bort { $name } från posten
panel-disconnect = Koppla bort från posten
panel-actions-for = Åtgärder för { $name }
panel-hover-and-join = Håll muspekaren här och gå med för att se hela historiken.
panel-join-off = Att gå med är avstängt för den här posttypen. En medlem kan lägga till dig i stället.
panel-join-needs-write = Du behöver skrivbehörighet till posten för att gå med. En medlem kan lägga till dig i stället.
panel-join-not-possible = Du kan inte gå med i den här chatten. En medlem kan lägga till dig i stället.
panel-open-chat = Öppna chatten
panel-connect = Anslut till posten
panel-new-connected-with-person = Ny ansluten chatt med den här personen
panel-view-less = Visa färre
panel-view-more = Visa fler ({ $count })
panel-suggest-rule = Personer kring posten
panel-suggest-similarity = Experter på liknande poster
panel-suggested = Föreslagna kontakter
panel-no-suggestions = Inga förslag för den här posten.
panel-match = { $percent } % matchning
panel-open-similar = Öppna den liknande posten
# Varför en person föreslås (se en.ftl). $type är posttypens API-namn där orden här känner
# den (annars "other"), $typeName dess namn med gemener; $what en aktivitets typ; $date dess
# dag; $example en post som panel-reason-example skriver den.
panel-reason-owner = Äger { $type ->
    [case] det här ärendet
    [account] den här kunden
    [contact] den här kontakten
    [knowledge_article] den här kunskapsartikeln
    [email] det här e-postmeddelandet
    [conversation] den här konversationen
   *[other] den här posten ({ $typeName })
  }
panel-reason-previous_owner = Ägde { $type ->
    [case] det här ärendet
    [account] den här kunden
    [contact] den här kontakten
    [knowledge_article] den här kunskapsartikeln
    [email] det här e-postmeddelandet
    [conversation] den här konversationen
   *[other] den här posten ({ $typeName })
  } tidigare
panel-reason-team_admin = Administratör i teamet { $team }, som äger { $type ->
    [case] det här ärendet
    [account] den här kunden
    [contact] den här kontakten
    [knowledge_article] den här kunskapsartikeln
    [email] det här e-postmeddelandet
    [conversation] den här konversationen
   *[other] den här posten ({ $typeName })
  }
panel-reason-team_member_activity = Med i teamet { $team }; loggade { $what ->
    [note] en anteckning
    [phone_call] ett telefonsamtal
    [email] ett e-postmeddelande
    [task] en uppgift
   *[other] en aktivitet
  } { $date }
panel-reason-connected_conversation = Anslöt en konversation till { $type ->
    [case] det här ärendet
    [account] den här kunden
    [contact] den här kontakten
    [knowledge_article] den här kunskapsartikeln
    [email] det här e-postmeddelandet
    [conversation] den här konversationen
   *[other] den här posten ({ $typeName })
  }
panel-reason-logged_activity = Loggade { $what ->
    [note] en anteckning
    [phone_call] ett telefonsamtal
    [email] ett e-postmeddelande
    [task] en uppgift
   *[other] en aktivitet
  } { $date }
panel-reason-related_owner = Äger { $type ->
    [case] ärendet
    [account] kunden
    [contact] kontakten
    [knowledge_article] kunskapsartikeln
    [email] e-postmeddelandet
    [conversation] konversationen
   *[other] { $typeName }
  } { $name }
panel-reason-resolved_similar = Löste { $count ->
    [one] { $type ->
        [case] ett liknande ärende
        [account] en liknande kund
        [contact] en liknande kontakt
        [knowledge_article] en liknande kunskapsartikel
        [email] ett liknande e-postmeddelande
        [conversation] en liknande konversation
       *[other] en liknande post ({ $typeName })
    }, { $example }
   *[other] { $count } liknande { $type ->
        [case] ärenden
        [account] kunder
        [contact] kontakter
        [knowledge_article] kunskapsartiklar
        [email] e-postmeddelanden
        [conversation] konversationer
       *[other] poster
    }, t.ex. { $example }
  }
panel-reason-example = { $number } ”{ $name }”
panel-start-connected-with = Starta en ansluten chatt med { $name }
panel-chat = Chatta
panel-channel-team = Team { $team }
panel-channel = Kanal
panel-connect-channel = Anslut en kanal
panel-connected-channels = Anslutna kanaler
panel-channels-off = Kanaler är avstängda för den här posttypen.
panel-no-channels = Inga kanaler är anslutna till posten. Anslut en teamkanal för att samarbeta med hela teamet.
panel-joined = Du gick med i ”{ $name }”.
panel-connected-toast = ”{ $name }” är nu ansluten till posten.
panel-connect-failed = Chatten kunde inte anslutas
panel-one-on-one-private = Enskilda chattar förblir privata
panel-one-on-one-offer = Du kan starta en ny ansluten chatt med samma person i stället. Den börjar tom, utan historiken från er enskilda chatt.
panel-cancel = Avbryt
panel-disconnect-title = Koppla bort chatten?
panel-disconnect-text = ”{ $name }” kommer inte längre att vara ansluten till { $record }. Chatten och dess meddelanden finns kvar som de är.
panel-disconnect-confirm = Koppla bort
panel-disconnected = ”{ $name }” kopplades bort.
panel-disconnect-failed = Chatten kunde inte kopplas bort
panel-people = Personer
panel-new-connected-intro = En ny gruppchatt som är ansluten till { $record }. Den börjar tom: ingen historik från tidigare chattar med samma personer.
panel-post-intro = Skicka en introduktion med postens viktigaste fält
panel-start-chat = Starta chatt
panel-choose-other-person = Välj minst en annan person.
panel-create-channel = Skapa en ny kanal
panel-new-channel-in-team = En ny kanal i ett av mina team
panel-team = Team
panel-channel-name = Kanalens namn
panel-no-team = Du är inte medlem i något team.
panel-use-existing = Eller använd en befintlig kanal
panel-existing-channel = En befintlig kanal
panel-no-visible-channels = Inga kanaler som du kan se än
panel-start-collaborating = Börja samarbeta
panel-choose-team-and-name = Välj ett team och ett namn på kanalen.

## admin.js: administration

admin-nav-general = Samarbete
admin-nav-users = Användare
admin-nav-teams = Team
admin-nav-roles = Roller
admin-nav-types = Posttyper
admin-nav-type-settings = Inställningar för posttyper
admin-nav-audit = Granskningslogg
admin-nav-webhooks = Webhooks
admin-webhook-intro = Värdsystem får veta vad som händer i chattar kopplade till deras poster på de här adresserna. Slutpunkter registreras via API:t (se integrationsguiden).
admin-webhook-none = Inga webhook-slutpunkter är registrerade.
admin-webhook-summary = Händelser: { $events } · registrerad av { $by } · { $pending } väntar · { $failed } misslyckade
admin-webhook-deliveries = Senaste leveranser
admin-webhook-no-deliveries = Inga leveranser än.
admin-webhook-col-event = Händelse
admin-webhook-col-attempts = Försök
admin-webhook-col-answer = Senaste svar
admin-webhook-col-made = Skapad
admin-webhook-col-next = Nästa försök
admin-webhook-status-pending = Väntar
admin-webhook-status-delivered = Levererad
admin-webhook-status-failed = Misslyckad
admin-webhook-redeliver = Skicka igen
admin-webhook-redelivered = Leveransen skickas igen.
admin-nav-api-keys = API-nycklar
admin-key-intro = Med de här nycklarna håller värdsystem sina poster och personer i takt med Tether. Ge varje system en egen nyckel med bara de omfång det behöver, och återkalla en nyckel så fort den kan ha läckt.
admin-key-none = Inga API-nycklar har skapats.
admin-key-new = Ny API-nyckel
admin-key-create = Skapa nyckel
admin-key-name-hint = Vad nyckeln är till för, till exempel ”Zendesk-synk”. Visas här och i granskningsloggen.
admin-key-scopes = Omfång
admin-key-scope-records = skapa och uppdatera poster med värdsystemets id:n
admin-key-scope-users = skapa och uppdatera personer med värdsystemets id:n
admin-key-scope-webhooks = registrera webhook-slutpunkter och läsa deras leveranser
admin-key-col-made = Skapad
admin-key-col-used = Senast använd
admin-key-made-by = av { $by }
admin-key-someone-gone = en borttagen användare
admin-key-never = Aldrig
admin-key-state-revoked = Återkallad
admin-key-revoke = Återkalla
admin-key-revoke-label = Återkalla nyckeln { $name }
admin-key-revoke-title = Återkalla nyckeln { $name }?
admin-key-revoke-text = Värdsystemet som använder { $name } nekas från och med nästa anrop, och nyckeln kan inte användas igen. Det går inte att ångra: skapa en ny nyckel för att ansluta systemet igen.
admin-key-revoked-toast = Nyckeln { $name } är återkallad.
admin-key-made-title = Nyckeln { $name } är skapad
admin-key-shown-once = Nyckeln visas bara nu. Kopiera den till värdsystemets hemlighetsförråd innan du stänger dialogen: Tether sparar bara ett fingeravtryck av den och kan inte visa den igen.
admin-key-the-key = Nyckeln
admin-key-how-sent = Värdsystemet skickar den som ”Authorization: Bearer” följt av nyckeln.
admin-key-done = Jag har kopierat den
admin-copy = Kopiera
admin-copied = Kopierad.
admin-copy-by-hand = Nyckeln är markerad: kopiera den med Ctrl+C (⌘C på Mac).
admin-nav-integrations = Integrationer
admin-integration-intro = Värdsystem som registreras här öppnar Tethers panel i sina egna sidor med signerade starttoken. Hemligheten eller nyckeln visas aldrig igen när den har sparats.
admin-integration-none = Inga integrationer är registrerade.
admin-integration-new = Ny integration
admin-integration-create = Registrera integrationen
admin-integration-id = Id (tokens utfärdare)
admin-integration-source = Källa
admin-integration-source-hint = Värdsystemets namn för sina id:n: 1–40 av a–z, 0–9, _ och -, till exempel zendesk.
admin-integration-origins = Tillåtna ursprung
admin-integration-origins-hint = Ett per rad: ursprungen vars sidor får visa panelen, till exempel https://acme.zendesk.com (ingen sökväg, inga jokertecken).
admin-integration-key = Hur token signeras
admin-integration-kind-secret = Delad hemlighet (HS256)
admin-integration-kind-pem = Publik nyckel (RS256 eller EdDSA)
admin-integration-secret = Delad hemlighet
admin-integration-secret-hint = Minst 32 byte. Generera en här och kopiera den till värdsystemet: den visas inte igen.
admin-integration-generate = Generera
admin-integration-secret-generated = En ny slumpad hemlighet står i fältet. Kopiera den innan du registrerar integrationen.
admin-integration-public-key = Publik nyckel (PEM)
admin-integration-public-key-hint = Texten från -----BEGIN PUBLIC KEY----- till -----END PUBLIC KEY-----: en RSA-nyckel ger RS256, en Ed25519-nyckel EdDSA.
admin-integration-audience = Mottagare
admin-integration-audience-hint = Vad varje tokens ”aud” måste vara, oftast den här serverns adress.
admin-integration-provision = En start får skapa handläggare som Tether inte känner till än
admin-integration-default-role = Deras roll
admin-integration-default-role-hint = Roller med administratörsbehörighet kan inte väljas.
admin-integration-no-role = Välj en roll
admin-integration-algorithm = Algoritm
admin-integration-provisions = Skapar personer
admin-integration-provisions-yes = Ja, som { $role }
admin-integration-provisions-no = Nej
admin-integration-made = Registrerad
admin-integration-created = Integrationen { $name } är registrerad.
admin-integration-delete = Ta bort
admin-integration-delete-label = Ta bort integrationen { $name }
admin-integration-delete-title = Ta bort integrationen { $name }?
admin-integration-delete-text = Dess starttoken nekas från och med nu, och alla inbäddade sessioner som dess handläggare har öppna avslutas direkt. Poster, chattar och personer finns kvar.
admin-integration-deleted = Integrationen { $name } är borttagen.
admin-title = Administration
admin-collab-on-everyone = Samarbete är på för alla
admin-collab-off-everyone = Samarbete är av för alla
admin-collab-hint = Chattar, kanaler och postpaneler, för alla användare vars roll tillåter samarbete.
admin-collab-off-title = Stänga av samarbete för alla?
admin-collab-off-text = Alla användare förlorar genast chattar, kanaler och postpaneler, tills samarbete slås på igen. Inget tas bort.
admin-collab-off-confirm = Stäng av för alla
admin-collab-is-on = Samarbete är på.
admin-collab-is-off = Samarbete är av.
admin-roles-of = Roller för { $name }
admin-roles-intro = Välj vilka roller användaren har. Roller som inte är markerade tas bort.
admin-cancel = Avbryt
admin-save-roles = Spara roller
admin-roles-saved = Rollerna för { $name } är sparade.
admin-new-user = Ny användare
admin-name = Namn
admin-email = E-post
admin-initial-password = Första lösenord
admin-roles = Roller
admin-teams = Team
admin-create-user = Skapa användare
admin-user-created = { $name } kan nu logga in.
admin-set-password-of = Ange lösenord för { $name }
admin-set-password-intro = { $name } loggas ut överallt och loggar in med det nya lösenordet.
admin-new-password = Nytt lösenord
admin-set-password = Ange lösenord
admin-password-set = Lösenordet för { $name } är ändrat; personens sessioner har avslutats.
admin-deactivate-title = Inaktivera { $name }?
admin-deactivate-text = { $name } loggas ut genast och kan inte längre logga in. Personens meddelanden, poster och historik finns kvar. Du kan aktivera personen igen senare.
admin-deactivate = Inaktivera
admin-reactivate = Aktivera igen
admin-deactivated-toast = { $name } är inaktiverad; historiken finns kvar.
admin-reactivated-toast = { $name } kan logga in igen.
admin-no-roles = Inga roller
admin-no-team = Inget team
admin-state-active = Aktiv
admin-state-deactivated = Inaktiverad
admin-user-search-placeholder = Sök på namn eller e-post
admin-show-more-users = Visa fler användare
admin-users-count = { $count ->
    [one] { $count } användare
   *[other] { $count } användare
}
admin-users-first = { $count ->
    [one] Den första { $count } användaren
   *[other] De första { $count } användarna
}
admin-users-none = Ingen matchar sökningen.
admin-col-status = Status
admin-col-actions = Åtgärder
admin-search-users = Sök användare
admin-add-people-to = Lägg till personer i { $team }
admin-team-admin = Teamadministratör
admin-remove-admin-label = { $name } är inte längre teamadministratör för { $team }
admin-remove-admin = Ta bort som administratör
admin-make-admin-label = Gör { $name } till teamadministratör för { $team }
admin-make-admin = Gör till administratör
admin-remove-member-label = Ta bort { $name } från { $team }
admin-remove-member-title = Ta bort { $name } från { $team }?
admin-remove-member-text = { $name } lämnar teamet och dess kanaler och förlorar den åtkomst som teamet gav.
admin-remove-from-team = Ta bort från teamet
admin-remove = Ta bort
admin-no-members = Inga medlemmar än.
admin-add-members = Lägg till medlemmar
admin-add = Lägg till
admin-no-teams = Inga team än.
admin-team-admins = Teamadministratörer
admin-members = Medlemmar
admin-new-team = Nytt team
admin-create-team = Skapa team
admin-depth-none = Ingen
admin-depth-own = Egna poster
admin-depth-team = Eget team
admin-depth-all = Alla poster
admin-every-type = Alla posttyper
admin-read-type = Läsa { $type }
admin-write-type = Skriva { $type }
admin-new-role = Ny roll
admin-privileges = Behörigheter
admin-record-type = Posttyp
admin-read = Läsa
admin-write = Skriva
admin-create-role = Skapa roll
admin-role = Roll
admin-record-placeholder = Skriv ett namn eller nummer
admin-records = Poster
admin-no-record-found = Ingen post hittades
admin-record = Post
admin-person = Person
admin-every-action = Alla händelser
admin-show-older-entries = Visa äldre händelser
admin-export-csv = Exportera CSV
admin-deleted-record = en borttagen post
admin-about-chat = Chatt: { $name }
admin-one-on-one-chat = En enskild chatt
admin-deleted-chat = En borttagen chatt
admin-the-system = Systemet
admin-the-api-key = API-nyckeln ”{ $name }”
admin-entries = { $count ->
    [one] { $count } händelse
   *[other] { $count } händelser
}
admin-no-entries = Inga händelser matchar filtren.
admin-action = Händelse
admin-apply-filters = Använd filtren
admin-col-when = När
admin-col-who = Vem
admin-col-about = Gäller
admin-col-details = Detaljer

## admin-types.js: record types and their settings

admin-types-kind-text = Text
admin-types-kind-long-text = Lång text
admin-types-kind-number = Tal
admin-types-kind-boolean = Ja/nej
admin-types-kind-date = Datum
admin-types-kind-choice = Val
admin-types-kind-lookup = Uppslag
admin-types-display-placeholder = Arbetsorder
admin-types-field-kind = Typ av fält { $n }
admin-types-field-extra = Alternativ eller mål för fält { $n }
admin-types-field-extra-placeholder = alternativ: a, b, c – eller måltyp
admin-types-field-name = Namn på fält { $n }
admin-types-field-label = Etikett för fält { $n }
admin-types-field-required = Fält { $n } är obligatoriskt
admin-types-field-remove = Ta bort fält { $n }
admin-types-name = Namn
admin-types-new = Ny posttyp
admin-types-logical-name = Logiskt namn
admin-types-display-name = Visningsnamn
admin-types-prefix = Nummerprefix (valfritt)
admin-types-fields-hint = Det första fältet är huvudnamnet. Valfält anger sina alternativ, uppslagsfält sin måltyp (en av: { $types }).
admin-types-label = Etikett
admin-types-kind = Typ
admin-types-required = Obligatoriskt
admin-types-options-target = Alternativ / mål
admin-types-add-field = Lägg till fält
admin-types-cancel = Avbryt
admin-types-create = Skapa posttyp
admin-types-title = Posttyper
admin-types-standard = Standard
admin-types-custom = Egen
admin-types-field-count = { $count ->
    [one] { $count } fält
   *[other] { $count } fält
}
admin-types-field = Fält
admin-types-details = Detaljer
admin-types-primary-name = Huvudnamn
admin-types-is-required = obligatoriskt
admin-types-is-read-only = skrivskyddat
admin-types-chosen = { $count } av 5 valda
admin-types-chosen-list = { $count } av 5 valda: { $list }
admin-types-intro-fields = Fält på introduktionskortet (högst 5)
admin-types-notify-fields = Fält vars ändringar meddelas i anslutna chattar (högst 5)
admin-types-state = Status
admin-types-owner = Ägare
admin-types-h-chats = Chattar
admin-types-chats-enabled = Chattar kan anslutas till de här posterna
admin-types-auto-name = Ge nya anslutna chattar postens namn
admin-types-auto-name-hint = Annars får chatten namn efter sina medlemmar.
admin-types-join-chat = Gå med i chatt
admin-types-join-chat-hint = Användare med skrivbehörighet ser låsta anslutna chattar som de inte är med i och kan gå med i dem med hela historiken.
admin-types-show-on-timeline = Visa anslutna chattar på tidslinjen
admin-types-hand-over = Lämna över chattar till en ny ägare
admin-types-hand-over-hint = När ägaren byts läggs den nya ägaren till i de anslutna chattarna.
admin-types-channels-enabled = Kanaler kan anslutas till de här posterna
admin-types-h-disconnecting = Koppla bort
admin-types-owner-may-disconnect = Postens ägare får koppla bort chattar
admin-types-last-connector = Den som senast anslöt en chatt får koppla bort den
admin-types-h-intro = Introduktionsmeddelande
admin-types-intro-enabled = Erbjud ett introduktionskort när en ansluten chatt startar
admin-types-h-suggested = Föreslagna kontakter
admin-types-rule-based = Regelbaserade förslag (ägare, team, de som skrivit aktiviteter, …)
admin-types-similarity-based = Likhetsbaserade förslag (experter på liknande poster)
admin-types-h-notifications = Aviseringar om fältändringar
admin-types-notify-enabled = Skicka ett systemmeddelande i anslutna chattar när de här fälten ändras
admin-types-save-settings = Spara inställningarna
admin-types-saved-at = Sparat { $time }.
admin-types-settings-saved = Inställningarna för { $type } är sparade.
admin-types-settings-title = Inställningar för posttyper
admin-types-record-type = Posttyp

## admin-labels.js: privileges and audit entries in words

admin-labels-action-chat-connected = Chatt ansluten till en post
admin-labels-action-chat-disconnected = Chatt bortkopplad från en post
admin-labels-action-chat-joined = Gick med i en chatt
admin-labels-action-chat-members-added = Chattmedlemmar tillagda
admin-labels-action-chat-member-removed = Chattmedlem borttagen
admin-labels-action-record-shared = Post delad
admin-labels-action-record-deleted = Post borttagen
admin-labels-action-record-type-created = Posttyp skapad
admin-labels-action-role-created = Roll skapad
admin-labels-action-settings-global-changed = Samarbete slogs på eller av
admin-labels-action-settings-record-type-changed = Inställningar för posttyp ändrade
admin-labels-action-team-created = Team skapat
admin-labels-action-team-members-added = Teammedlemmar tillagda
admin-labels-action-team-member-removed = Teammedlem borttagen
admin-labels-action-team-updated = Team omdöpt eller teamadministratörer ändrade
admin-labels-action-user-created = Användare skapad
admin-labels-action-user-activated = Användare aktiverad igen
admin-labels-action-user-deactivated = Användare inaktiverad
admin-labels-action-user-roles-changed = Användarens roller ändrade
admin-labels-action-user-password-changed = Lösenord ändrat
admin-labels-action-user-password-change-failed = Lösenordsbyte misslyckades
admin-labels-action-session-signed-in = Loggade in
admin-labels-action-session-signed-out = Loggade ut
admin-labels-action-session-sign-in-failed = Inloggning misslyckades
admin-labels-action-api-key-created = API-nyckel skapad
admin-labels-action-api-key-revoked = API-nyckel återkallad
admin-labels-action-webhook-created = Webhook registrerad
admin-labels-action-webhook-deleted = Webhook borttagen
admin-labels-action-record-synced = Post synkad från ett annat system
admin-labels-action-user-synced = Användare synkad från ett annat system
admin-labels-action-record-unshared = Post inte längre delad
admin-labels-action-session-launched = Session startad från ett annat system
admin-labels-action-integration-created = Integration tillagd
admin-labels-action-integration-deleted = Integration borttagen
admin-labels-detail-user-id = Person
admin-labels-detail-user-ids = Personer
admin-labels-detail-team-id = Team
admin-labels-detail-admin-ids = Teamadministratörer
admin-labels-detail-previous-admin-ids = Tidigare teamadministratörer
admin-labels-detail-member-ids = Medlemmar
admin-labels-detail-roles = Roller
admin-labels-detail-team-ids = Team
admin-labels-detail-previous-name = Tidigare namn
admin-labels-detail-collaboration-enabled = Samarbete på
admin-labels-detail-access = Åtkomst
admin-labels-detail-via = Via
admin-labels-detail-sessions-ended = Avslutade sessioner
admin-labels-detail-email = E-post
admin-labels-detail-address = Adress
admin-labels-detail-reason = Orsak
admin-labels-detail-name = Namn
admin-labels-detail-history = Historik
admin-labels-detail-role = Roll
admin-labels-detail-privileges = Behörigheter
admin-labels-detail-integration = Integration
admin-labels-detail-integration-id = Integrations-id
admin-labels-detail-source = Källa
admin-labels-detail-external-id = Externt id
admin-labels-detail-allowed-origins = Tillåtna ursprung
admin-labels-detail-algorithm = Algoritm
admin-labels-detail-provision-users = Skapar personer
admin-labels-detail-default-role = Standardroll
admin-labels-detail-webhook-id = Webhook-id
admin-labels-detail-url = Adress
admin-labels-detail-events = Händelser
admin-labels-detail-api-key-id = API-nyckelns id
admin-labels-detail-scopes = Behörigheter för nyckeln
admin-labels-detail-outcome = Resultat
admin-labels-detail-fields = Fält
admin-labels-detail-owner = Ägare
admin-labels-detail-state = Status
admin-labels-event-chat-connected = chatt ansluten
admin-labels-event-chat-disconnected = chatt bortkopplad
admin-labels-event-message-created = meddelande skrivet
admin-labels-event-chat-joined = gick med i chatt
admin-labels-event-transcript-saved = utskrift sparad
admin-labels-event-record-handed-over = post överlämnad
admin-labels-scope-records-write = skriva poster
admin-labels-scope-users-write = skriva personer
admin-labels-scope-webhooks = webhooks
admin-labels-value-read = läsa
admin-labels-value-write = skriva
admin-labels-value-unknown-account = okänt konto
admin-labels-value-deactivated = kontot inaktiverat
admin-labels-value-wrong-password = fel lösenord
admin-labels-value-created = skapad
admin-labels-value-updated = uppdaterad
admin-labels-value-history-all = alla meddelanden
admin-labels-value-via-administrator = en administratör
admin-labels-value-via-self = personen själv
admin-labels-value-via-command-line = kommandoraden
admin-labels-flag-admin = Administration: användare, team, roller, posttyper och inställningar
admin-labels-flag-collab-use = Samarbete: chattar, kanaler och postpaneler
admin-labels-flag-collab-disconnect = Koppla bort chattar från poster
admin-labels-read-own = läsa – egna poster
admin-labels-read-team = läsa – eget team
admin-labels-read-all = läsa – alla poster
admin-labels-write-own = skriva – egna poster
admin-labels-write-team = skriva – eget team
admin-labels-write-all = skriva – alla poster
role-administrator = Administratör
role-agent = Handläggare
role-knowledge_manager = Kunskapsansvarig
role-supervisor = Arbetsledare
role-viewer = Läsare
admin-labels-every-type = Alla posttyper
admin-labels-privilege = { $subject }: { $access }
admin-labels-on = på
admin-labels-off = av
admin-labels-change = { $name }: { $before } → { $after }
admin-labels-no-change = ingen ändring
admin-labels-type-changes = { $type } – { $changes }
admin-labels-record-type = Posttyp: { $type }
admin-labels-someone-unknown = någon som inte längre finns
admin-labels-yes = ja
admin-labels-no = nej

## finder.js: the record finder in the top bar
finder-label = Hitta en post
finder-placeholder = Hitta en post…  ( / )
finder-close = Stäng sökrutan
finder-searching = Söker…
finder-none = Ingen post som du kan öppna matchar ”{ $q }”.
finder-count = { $count ->
    [one] 1 träff
   *[other] { $count } träffar
}

## fields.js: a record's fields
fields-state-active = Aktiv
fields-state-resolved = Löst
fields-state-cancelled = Avbruten
fields-state = Status
fields-lookup-placeholder = Sök på namn eller nummer
fields-open-record = Öppna posten
fields-unreadable-record = en post som du inte kan öppna
fields-yes = Ja
fields-no = Nej
fields-save = Spara ändringar
fields-saving = Sparar…
fields-discard = Ångra

## api.js: the standard record types in words (see en.ftl).
rt-case = Ärende
    .plural = Ärenden
    .lower = ärenden
    .new = Nytt ärende
    .named = ärende
    .one = ett ärende
rt-case-ticket_number = Ärendenummer
rt-case-title = Ärendets rubrik
rt-case-description = Beskrivning
rt-case-priority = Prioritet
rt-case-priority-low = Låg
rt-case-priority-normal = Normal
rt-case-priority-high = Hög
rt-case-priority-urgent = Brådskande
rt-case-origin = Ursprung
rt-case-origin-phone = Telefon
rt-case-origin-email = E-post
rt-case-origin-web = Webb
rt-case-origin-chat = Chatt
rt-case-product = Produkt
rt-case-account = Kund
rt-case-contact = Kontakt
rt-account = Kund
    .plural = Kunder
    .lower = kunder
    .new = Ny kund
    .named = kund
    .one = en kund
rt-account-name = Kundnamn
rt-account-industry = Bransch
rt-account-phone = Telefon
rt-account-website = Webbplats
rt-account-city = Ort
rt-account-description = Beskrivning
rt-contact = Kontakt
    .plural = Kontakter
    .lower = kontakter
    .new = Ny kontakt
    .named = kontakt
    .one = en kontakt
rt-contact-full_name = Fullständigt namn
rt-contact-email = E-postadress
rt-contact-phone = Telefon
rt-contact-job_title = Befattning
rt-contact-account = Kund
rt-knowledge_article = Kunskapsartikel
    .plural = Kunskapsartiklar
    .lower = kunskapsartiklar
    .new = Ny kunskapsartikel
    .named = kunskapsartikel
    .one = en kunskapsartikel
rt-knowledge_article-ticket_number = Artikelnummer
rt-knowledge_article-title = Rubrik
rt-knowledge_article-summary = Sammanfattning
rt-knowledge_article-content = Innehåll
rt-knowledge_article-keywords = Nyckelord
rt-email = E-postmeddelande
    .plural = E-postmeddelanden
    .lower = e-postmeddelanden
    .new = Nytt e-postmeddelande
    .named = e-postmeddelande
    .one = ett e-postmeddelande
rt-email-subject = Ämne
rt-email-from = Från
rt-email-to = Till
rt-email-body = Meddelandetext
rt-email-regarding_case = Gäller ärende
rt-conversation = Konversation
    .plural = Konversationer
    .lower = konversationer
    .new = Ny konversation
    .named = konversation
    .one = en konversation
rt-conversation-subject = Ämne
rt-conversation-channel = Kanal
rt-conversation-channel-chat = Chatt
rt-conversation-channel-voice = Röst
rt-conversation-channel-sms = Sms
rt-conversation-channel-social = Sociala medier
rt-conversation-customer = Kund
rt-conversation-summary = Sammanfattning

## combobox.js: pickers that search as you type
combobox-none = Inget hittades
combobox-count = { $count ->
    [one] 1 förslag
   *[other] { $count } förslag
}

## records.js: the records of one type
records-title = Poster: { $type }
records-new = Ny post: { $type }
records-scope = Visa
records-mine = Mina
records-teams = Mina teams
records-all = Alla jag kan läsa
records-state = Status
records-any-state = Alla statusar
records-owner = Ägare
records-any-owner = Vem som helst
records-owner-team = Ägande team
records-any-team = Alla team
records-my-teams = Mina team
records-other-teams = Andra team
records-sort = Sortera efter
records-sort-updated = Senast ändrad
records-sort-created = Nyast
records-sort-name = Namn
records-sort-number = Nummer
records-search = Sök på namn eller nummer
records-empty = Inga poster matchar filtren.
records-pages = Sidor
records-prev = Föregående sida
records-next = Nästa sida
records-page = Poster { $from }–{ $to }
records-col-name = Namn
records-col-number = Nummer
records-col-updated = Uppdaterad
records-create = Skapa
records-cancel = Avbryt
records-no-type = Posttypen finns inte.
records-breadcrumb = Brödsmulor
records-my-work = Mitt arbete
records-failed = Posterna kunde inte visas

## record.js: the record page
record-pane-record = Post
record-pane-collaboration = Samarbete
record-pane-chat = Chatt
record-pane-parts = Sidans delar
record-kind-note = Anteckning
record-kind-phone-call = Telefonsamtal
record-kind-email = E-post
record-kind-task = Uppgift
record-kind-chat = Chatt
record-timeline = Tidslinje
record-timeline-entries = Händelser på tidslinjen
record-timeline-older = Visa äldre händelser
record-timeline-empty = Inget på tidslinjen ännu.
record-timeline-loading-older = Läser in äldre händelser…
record-timeline-updated = Uppdaterad { $time }
record-refresh = Uppdatera
record-open-chat = Öppna chatten
record-join = Gå med
record-not-member = Inte medlem
record-this-chat = den här chatten
record-a-chat = en chatt
record-disconnect = Koppla bort
record-disconnected-since = Bortkopplad sedan { $time }
record-connected-by = Ansluten av { $name }
record-disconnected-by = Bortkopplad av { $name }
record-connected-disconnected-by = Ansluten av { $connected } · bortkopplad av { $disconnected }
record-chat-connected = Chatt ansluten:
record-chat-disconnected = Chatt bortkopplad:
record-last-message = senaste meddelandet { $time }
record-last-message-from = senaste meddelandet från { $name } { $time }
record-activity-log = Logga en aktivitet
record-activity-kind = Typ
record-activity-subject = Ämne
record-activity-subject-placeholder = Vad hände?
record-activity-details = Detaljer
record-activity-details-placeholder = Detaljer (valfritt)
record-activity-add = Lägg till på tidslinjen
record-owner-team = Team { $name }
record-owner-label = Ägare:
record-read-only = Endast läsning
record-details = Detaljer
record-saved = Ändringarna har sparats.
record-failed = Posten kunde inte öppnas
record-breadcrumb = Brödsmulor
record-my-work = Mitt arbete
record-change-owner = Byt ägare
record-owner-title = Byt ägare
record-owner-search = Sök personer och team
record-owner-none = Ingen som du får lämna över posten till matchar.
record-owner-kind-team = Team
record-owner-kind-person = Person
record-owner-changed = Ägaren är nu { $name }.
record-handed-over = { $count ->
    [0] Ägaren är nu { $name }; det fanns inga anslutna gruppchattar att lämna över.
    [one] 1 chatt lämnades över till { $name }.
   *[other] { $count } chattar lämnades över till { $name }.
}
record-save = Spara
record-cancel = Avbryt
record-close = Stäng
record-share = Dela
record-share-title = Dela posten
record-shared-with = Delad med
record-not-shared = Posten är inte delad med någon.
record-share-person = Person
record-share-person-placeholder = Namn eller e-postadress
record-share-access = Behörighet
record-share-read = Kan läsa
record-share-write = Kan redigera
record-share-add = Lägg till
record-share-remove = Ta bort
record-share-remove-label = Ta bort delningen med { $name }
record-share-pick-person = Välj en person bland förslagen.

## Signed launch and the embedded panel (issue 19; web/embed.rs, embed.js)
launch-title = Öppna i Tether
launch-refused-heading = Tether kunde inte öppnas härifrån
launch-refused-malformed = Länken från ert ärendesystem är ingen giltig startbiljett. Öppna ärendet igen.
launch-refused-unknown_issuer = Länken kommer från ett system som Tether inte känner till. Be en administratör kontrollera integrationen.
launch-refused-bad_signature = Länkens signatur är inte giltig. Be en administratör kontrollera integrationens nyckel.
launch-refused-expired = Länken har gått ut. Öppna ärendet igen.
launch-refused-too_long_lived = Länken gäller för länge (högst 5 minuter). Be en administratör kontrollera integrationen.
launch-refused-wrong_audience = Länken är avsedd för en annan Tether. Be en administratör kontrollera integrationens mottagare.
launch-refused-replayed = Länken har redan använts. Öppna ärendet igen.
launch-refused-unknown_agent = Tether känner inte till dig ännu. Be en administratör lägga till dig.
launch-refused-deactivated = Ditt Tether-konto är avaktiverat.
launch-refused-administrator = Administratörer kan inte öppna Tether från ett ärendesystem; logga in i Tether direkt.
launch-refused-record_refused = Ärendet kunde inte öppnas i Tether. Be en administratör kontrollera integrationen.
launch-no-session = Öppna Tether igen från ärendet i ert ärendesystem.
embed-failed = Den här posten kan inte visas här.
embed-no-access = Du har inte åtkomst till den här posten.
embed-not-found = Tether har ingen sådan post.
embed-ticket-unavailable = Det här ärendet finns inte i Tether, eller så har du inte åtkomst till det. Dess chattar kan inte visas här.
embed-drafts-kept = Ett meddelande du inte hann skicka sparas: det finns kvar i chatten när Tether öppnas igen.
embed-open-in-tether = Öppna i Tether
