# Tether's words in English. Project Fluent syntax (https://projectfluent.org/fluent/guide/).
# Every key here must also be in sv.ftl (tests/i18n.rs fails otherwise). Keys are grouped by
# the module that uses them; `problem-*` are the words for the `code` of a problem document
# (docs/api.md), `page-*` and `nav-*` are written by the server (src/web/pages.rs).

## Shared

loading = Loading…
date-today = Today
date-yesterday = Yesterday
date-just-now = just now
size-bytes = { $n } B
size-kb = { $n } KB
size-mb = { $n } MB
language-en = English
language-sv = Svenska
record-state-active = Active
record-state-resolved = Resolved
record-state-cancelled = Cancelled

## api.js: failures without words from the server

api-status = The server answered { $status }.
api-status-retry = The server answered { $status }. Please try again.
api-unreachable = Cannot reach the Tether server. Check your connection and try again.
api-upload-unreachable = The upload failed: cannot reach the server.
api-upload-cancelled = The upload was cancelled.
api-upload-failed = The upload failed ({ $status }).

## Page shells (src/web/pages.rs)

page-title-login = Sign in
page-title-home = My work
page-title-record = Record
page-title-records = Records
page-title-chats = Chats
page-title-admin = Administration
page-title-error = Error
page-loading = Loading…
page-skip-to-content = Skip to content
page-needs-javascript = Tether needs JavaScript to run in this page. Please enable it.
page-error-heading = This page could not be shown
page-back-to-my-work = Back to my work
nav-main = Main
nav-my-work = My work
nav-chats = Chats
nav-admin = Admin

## shell.js: the top bar

shell-enable-notifications = Enable notifications
shell-sign-out = Sign out
shell-unread = { $count ->
    [one] { $count } unread message
   *[other] { $count } unread messages
}
shell-notifications-on = Notifications are on for mentions and urgent messages.
shell-notifications-off = Notifications stay off.
shell-someone = Someone
shell-urgent-from = Urgent message from { $name }
shell-mentioned-you = { $name } mentioned you
shell-notification-toast = { $title }: { $text }

## login.js

login-title = Sign in
login-tagline = Every conversation about a record, in one place.
login-email = E-mail
login-password = Password
login-submit = Sign in
login-submitting = Signing in…

## menu.js and dialog.js

menu-no-actions = No actions available
dialog-close = Close
dialog-confirm = Confirm
dialog-cancel = Cancel
dialog-check-fields = Check the marked fields.

## account.js: the user menu

account-menu = Your account
account-menu-of = { $name }, your account
account-change-password = Change password
account-change-password-intro = You stay signed in here; every other browser or app signed in as you is signed out.
account-current-password = Current password
account-new-password = New password
account-new-password-hint = At least { $min } characters. A few unrelated words make a good one.
account-repeat-password = Repeat the new password
account-passwords-differ = The new passwords do not match.
account-password-changed = Your password is changed. Your other sessions have been signed out.
account-field-error = { $field }: { $message }
account-preferences = Language and time zone
account-preferences-intro = Tether shows its words in this language and times in this zone, in every browser you sign in to.
account-language = Language
account-language-browser = As my browser says
account-time-zone = Time zone
account-time-zone-browser = As my browser says ({ $zone })
account-save = Save
account-email = E-mail about what I missed
account-email-intro = When someone mentions you, sends you an urgent message or adds you to a chat, and you have not read it after a while, Tether sends you one e-mail with links to the chats.
account-email-digest = E-mail me what I missed
account-email-off-server = This Tether server does not send e-mail (no mail server is set up), so nothing is sent for now.
account-email-saved = Saved.

## The e-mail digest of what a person missed (src/app/digest/compose.rs)

digest-subject = Tether: what you missed ({ $count })
digest-subject-urgent = Tether: urgent, what you missed ({ $count })
digest-greeting = Hello { $name }, here is what you have not read yet in Tether.
digest-mention = { $name } mentioned you
digest-urgent = Urgent message from { $name }
digest-urgent-mention = { $name } mentioned you in an urgent message
digest-added = { $name } added you to this chat
digest-added-by-system = You were added to this chat
digest-someone = Someone
digest-more = and { $count } more
digest-more-chats = { $count } more in other chats
digest-open = Open the chat
digest-footer = You get this e-mail because you had not read these yet. To stop these e-mails, open Tether, choose your name at the top, then E-mail about what I missed.

## tour.js: the first-use tour of the collaboration panel

tour-panel-title = Collaborate on this record
tour-panel-text = Every chat and channel about this record is here, next to the record itself. Let’s take a quick look.
tour-new-connected-title = Start a connected chat
tour-new-connected-text = Bring in the people you need. The chat is connected to this record, starts empty, and can open with an introduction card.
tour-filter-title = Find any chat
tour-filter-text = Type part of a chat’s name to filter every section, however old the chat is.
tour-connected-title = Connected to this record
tour-connected-text = Chats about this record. A lock means you are not a member yet: hover and join to see the full history.
tour-suggested-title = Suggested contacts
tour-suggested-text = The owner, the team and experts who resolved similar records, each with the reason. One click starts a connected chat.
tour-channels-title = Channels
tour-channels-text = Connect a team channel to this record, or create a new one, to work on it with the whole team.
tour-step = Step { $step } of { $total }
tour-back = Back
tour-next = Next
tour-done = Done
tour-skip = Skip tour

## home.js: My work

home-greeting-morning = Good morning, { $name }
home-greeting-afternoon = Good afternoon, { $name }
home-greeting-evening = Good evening, { $name }
home-intro = Your records and your latest conversations.
home-all-records = All { $type } records
home-my-records = My records
home-record-types = Record types
home-search-label = Search my records
home-search-placeholder = Name or number
home-no-match = Nothing matches your search.
home-no-records = You own no { $type } records.
home-all-of-type = All { $types }
home-none-of-type = You own no { $types }.
home-col-name = Name
home-col-number = Number
home-col-state = State
home-col-updated = Updated
home-recent-chats = Recent chats
home-open-chat-app = Open chat app
home-no-chats = No chats yet. Open a record to start one, or use the chat app.
home-members = { $count ->
    [one] { $count } member
   *[other] { $count } members
}

## Problems: the words for each problem `code` (docs/api.md). General codes are followed by
## the server's own explanation (problem-with-detail) in languages other than English.

problem-with-detail = { $text } The server says: { $detail }
problem-request-malformed = The request could not be read.
problem-request-media_type = The request was sent in a form the server does not accept.
problem-request-uri_too_long = The address is too long.
problem-request-headers_too_large = The request’s headers are too large.
problem-method_not_allowed = That cannot be done at this address.
problem-auth-required = Please sign in first.
problem-auth-bad_credentials = Wrong e-mail or password.
problem-auth-session_expired = Your session has expired or was ended. Please sign in again.
problem-auth-deactivated = Your account is deactivated.
problem-auth-account_gone = Your account no longer exists.
problem-auth-malformed_header = The request’s sign-in header is not readable.
problem-auth-csrf = The page is out of date. Reload it and try again.
problem-forbidden = You are not allowed to do that.
problem-admin-required = This needs the admin privilege; ask an administrator.
problem-api_key-invalid = This API key is not valid: it was revoked or never existed.
problem-api_key-not_a_session = An API key works only on the integration endpoints; sign in as a person here.
problem-api_key-scope_missing = This API key does not have the scope this needs.
problem-user-last_admin = This person is the last administrator; make someone else an administrator first.
problem-user-admin_by_key = An API key cannot change an administrator or give the admin privilege.
problem-collab-disabled = Collaboration is turned off on this server; an administrator can enable it.
problem-collab-privilege_missing = You need permission to use chats; ask an administrator.
problem-collab-chats_off = Chats are turned off for this record type; an administrator can turn them on.
problem-collab-channels_off = Channels are turned off for this record type; an administrator can turn them on.
problem-record-read_denied = You do not have access to this record.
problem-record-write_denied = You may read this record but not change it.
problem-record-owner_denied = You may not give this record to that owner.
problem-not_found = It was not found, or you cannot see it.
problem-conflict = That conflicts with the current state.
problem-too_large = That is too large.
problem-validation = Some of what was entered is not valid.
problem-validation-field = Some fields are not valid.
problem-rate_limited = Too many attempts. Wait a while and try again.
problem-unavailable = The server is temporarily unable to answer; nothing was stored. Try again shortly.
problem-storage-full = The server’s storage is full, so nothing was stored. Tell your administrator.
problem-busy = The server is busy. Try again in a few seconds.
problem-internal = Something went wrong on our side. It has been logged; please try again.
problem-unhealthy = The server is not healthy.
problem-error = Something went wrong.
problem-password-wrong = This is not your current password.
problem-password-too_short = The password must have at least 10 characters.
problem-password-too_long = The password must have at most 1,024 characters.
problem-password-only_spaces = The password must not be only spaces.
problem-locale-unsupported = Choose English or Swedish.
problem-time_zone-unknown = Choose a time zone from the list.
problem-value-missing = This must be filled in.
problem-value-empty = This must not be empty.
problem-value-too_long = Use at most { $max } characters.
problem-value-too_short = Use at least { $min } characters.
problem-value-too_many = Choose at most { $max }.
problem-value-characters = Remove the control, invisible or text-direction characters.
problem-value-kind = Enter { $kind ->
    [number] a number
    [date] a date (YYYY-MM-DD)
    [boolean] yes or no
    [lookup] a record from the list
   *[other] text
  }.
problem-value-range = The number is too large (at most 15 digits).
problem-value-option = Choose one of the options offered.
problem-value-unknown_field = This is not a field of the record type.
problem-value-read_only = This is set by the server and cannot be changed.
problem-value-not_found = That does not exist, or you cannot see it.
problem-value-deactivated = { $name } is deactivated.
problem-value-email = Enter an e-mail address, such as name@example.com.
problem-value-internal_name = Use 2–49 characters of a–z, 0–9 and _, starting with a letter.
problem-value-duplicate = This appears twice.
problem-value-format = This is not in a form the server reads.
problem-value-number_prefix = Use 2–5 capital letters, such as CAS.
problem-chat-no_other_member = Choose at least one other person.
problem-chat-already_members = Everyone chosen is already a member.
problem-record-not_connected = This chat is not connected to the record; connect it from the record’s panel first.
problem-range-order = The start must not be after the end.
problem-range-empty = There are no messages in that range.
problem-search-empty = Type a word to search for.
problem-file-empty = The file is empty.
problem-message-limit = The message has too many table cells or too much formatting to show. Shorten it.
problem-field-name = Name
problem-field-email = E-mail
problem-field-password = Password
problem-field-members = People
problem-field-body = Text
problem-field-subject = Subject
problem-field-owner = Owner
problem-field-display_name = Display name
problem-field-number_prefix = Number prefix
problem-field-period = Period
problem-field-file = File
problem-field-search = Search
problem-fields = { $text } { $list }

## chat.js: one chat of the chat control

chat-connected-records = Connected records
chat-record-locked-title = You can't open this record
chat-record-locked = a record you can't open
chat-kind-one-on-one = One-on-one
chat-kind-channel = Channel
chat-kind-group = Group chat
chat-unnamed = chat
chat-untitled = Chat
chat-members = Members
chat-members-count = Members ({ $count })
chat-messages-in = Messages in { $name }
chat-new-messages = New messages
chat-drop-files = Drop files to attach
chat-loading-messages = Loading messages…
chat-cannot-write = You cannot write in this chat.
chat-loading-earlier = Loading earlier messages…
chat-message-gone = That message is no longer in this chat.
chat-save-transcript-menu = Save transcript to record…
chat-transcript-title = Save transcript to record
chat-transcript-no-record = This chat is not connected to a record you can open. Connect it from the record’s panel first, then save the transcript there.
chat-ok = OK
chat-transcript-intro = The messages you can see in this chat are saved as a note on the record’s timeline, where everyone who can read the record sees it.
chat-transcript-record = Record
chat-transcript-from = From
chat-transcript-to = To
chat-transcript-hint = Leave both empty to save the whole conversation.
chat-cancel = Cancel
chat-transcript-save = Save transcript
chat-transcript-saved = Transcript saved to the timeline of “{ $name }”.
chat-rename = Rename chat
chat-open-in-app = Open in the chat app
chat-actions = Chat actions
chat-load-earlier = Load earlier messages
chat-beginning = This is the beginning of the conversation.
chat-empty = No messages yet. Say hello!
chat-removed = You are no longer a member of this chat.
chat-edit-message = Edit message
chat-save = Save
chat-edit-hint = Enter to save · Escape to cancel
chat-delete-title = Delete message?
chat-delete-text = The message is removed for everyone in the chat. This cannot be undone.
chat-delete = Delete
chat-name = Chat name
chat-you = (you)
chat-deactivated = deactivated
chat-leave-this = Leave this chat
chat-remove-person = Remove { $name }
chat-leave = Leave
chat-remove = Remove
chat-add-people = Add people
chat-start-group-with = Start a group chat with
chat-history-all = The full history
chat-history-none = No history (new messages only)
chat-history-days = The last … days
chat-history-days-count = Number of days
chat-history-label = They can see
chat-choose-to-add = Choose at least one person to add.
chat-add = Add
chat-one-on-one-stays = A one-on-one chat always stays between the two of you. Adding people starts a new group chat.
chat-choose-person = Choose at least one person.
chat-start-group = Start group chat
chat-close-members = Close members

## composer.js: the message composer

composer-emoji-grinning = grinning
composer-emoji-smile = smile
composer-emoji-joy = joy
composer-emoji-slight-smile = slight smile
composer-emoji-wink = wink
composer-emoji-heart-eyes = heart eyes
composer-emoji-thinking = thinking
composer-emoji-sweat-smile = sweat smile
composer-emoji-cry = cry
composer-emoji-surprised = surprised
composer-emoji-cool = cool
composer-emoji-raised-hands = raised hands
composer-emoji-thumbs-up = thumbs up
composer-emoji-thumbs-down = thumbs down
composer-emoji-clap = clap
composer-emoji-thanks = thanks
composer-emoji-strong = strong
composer-emoji-wave = wave
composer-emoji-handshake = handshake
composer-emoji-eyes = eyes
composer-emoji-done = done
composer-emoji-no = no
composer-emoji-warning = warning
composer-emoji-exclamation = exclamation
composer-emoji-question = question
composer-emoji-party = party
composer-emoji-fire = fire
composer-emoji-star = star
composer-emoji-idea = idea
composer-emoji-pin = pin
composer-emoji-paperclip = paperclip
composer-emoji-phone = phone
composer-emoji-e-mail = e-mail
composer-emoji-clock = clock
composer-emoji-rocket = rocket
composer-emoji-coffee = coffee
composer-emoji-heart = heart
composer-emoji-hundred = hundred
composer-emoji-bug = bug
composer-emoji-tools = tools
composer-message-to = Message { $name }
composer-write = Write a message
composer-importance = Importance
composer-importance-normal = Normal
composer-importance-important = Important
composer-importance-urgent = Urgent
composer-emoji = Emoji
composer-mention-people = People to mention
composer-attachments = Attachments
composer-tool-keys = { $label } ({ $keys })
composer-send-message = Send message
composer-send-title = Send (Enter)
composer-send = Send
composer-write-to = Write to { $name }
composer-formatting = Formatting
composer-bold = Bold
composer-italic = Italic
composer-strikethrough = Strikethrough
composer-bulleted-list = Bulleted list
composer-code = Code
composer-link = Link
composer-attach = Attach files
composer-hint = Enter to send · Shift+Enter for a new line · @ to mention
composer-link-text = link text
composer-card-preview = Card preview
composer-file-too-big = “{ $name }” is { $size }, and files can be at most { $max }. It was not sent.
composer-remove-file = Remove { $name }
composer-uploading = Uploading { $name }
composer-wait-uploads = Wait until the files have finished uploading.

## messages.js: one message

messages-remove-card-for = Remove the card for { $title }
messages-remove-card = Remove card
messages-card-open-in = Open in { $source }
messages-reaction-mine = { $emoji } { $count }, including you. Remove your reaction
messages-reaction-other = { $emoji } { $count }. React with this too
messages-urgent = Urgent
messages-important = Important
messages-add-reaction = Add a reaction
messages-react-with = React with { $emoji }
messages-react = React
messages-edit-message = Edit message
messages-edit = Edit
messages-delete-message = Delete message
messages-delete = Delete
messages-introduction = Introduction
messages-intro-from = from { $name }
messages-deleted = This message was deleted
messages-unknown-sender = Unknown
system-chat-created = { $by } started the chat with { $names }
system-channel-created = { $by } created the channel { $name } in { $team }
system-chat-renamed = { $by } renamed the chat to “{ $name }”
system-members-added = { $by } added { $names } ({ $history })
system-history-all = they can see the full history
system-history-none = they can see new messages only
system-history-days = { $days ->
    [one] they can see the last day
   *[other] they can see the last { $days } days
  }
system-handed-over = { $by } reassigned { $record } to { $name }, who was added to this chat and can see the full history
system-member-left = { $name } left the chat
system-member-removed = { $by } removed { $name }
system-member-joined = { $by } joined from { $record } and can see the full history
system-chat-connected = { $by } connected this chat to { $record }
system-channel-connected = { $by } connected this channel to { $record }
system-chat-disconnected = { $by } disconnected this chat from { $record }
system-channel-disconnected = { $by } disconnected this channel from { $record }
system-started-from = { $by } started this chat from { $record }
system-record-deleted = { $by } deleted { $record }; this chat and its messages stay
system-field-changed = { $field } changed from { $old } to { $new } by { $by }
system-record-numbered = { $type } { $number }
system-record-unnumbered = a “{ $type }” record
messages-edited-at = Edited { $time }
messages-edited = (edited)

## chats.js: the chat app

chats-search = Search chats, people and messages
chats-channels = Channels
chats-show-older = Show older chats
chats-new-chat = New chat
chats-messages = Messages
chats-empty-title = Your chats
chats-empty-text = Pick a chat on the left, or start a new one. Chats started here appear under “Other chats” in every record’s panel.
chats-list-label = Your chats and channels
chats-title = Chats
chats-recent = Recent
chats-pane-list = All chats
chats-pane-chat = Chat
chats-pane-parts = Parts of this page
chats-team-channel = Team channel
chats-direct-chat = Direct chat
chats-you-and-more = You, { $names } +{ $more }
chats-you-and = You, { $names }
chats-you = You
chats-unread = { $count ->
    [one] { $count } unread
   *[other] { $count } unread
}
chats-no-match = No chats match the filter.
chats-none = No chats yet.
chats-unavailable = Chats are not available

## dock.js: open chats and the new-chat dialog

dock-open-chats = Open chats
dock-chat = Chat
dock-unread = { $count ->
    [one] { $count } unread
   *[other] { $count } unread
}
dock-close-tab = Close (Delete)
dock-people = People
dock-group-name-placeholder = Optional for a group
dock-new-chat = New chat
dock-new-chat-intro = One person and no name: your one-on-one chat with them. More people, or a name: a group chat.
dock-group-name = Group name
dock-cancel = Cancel
dock-start-chat = Start chat
dock-choose-person = Choose at least one person.

## people.js: the people picker

people-label = People
people-chosen = Chosen { $label }
people-placeholder = Type a name or e-mail
people-remove = Remove { $name }
people-nobody-found = Nobody found

## search.js: message search

search-system = System
search-in-chat = in { $name }
search-placeholder = Search messages
search-label = Search messages
search-results = Search results
search-too-short = Type at least two letters.
search-searching = Searching…
search-best-matches = The { $count } best messages match “{ $q }”.
search-matches = { $count ->
    [one] { $count } message matches “{ $q }”.
   *[other] { $count } messages match “{ $q }”.
}
search-no-matches = No messages match “{ $q }”.
search-whole-word = Search for at least one whole word.

## panel.js: the collaboration panel

panel-unavailable = Record collaboration is not available on this server yet. You can still use the chat app.
panel-cannot-join-title = You can't join “{ $name }”
panel-member-can-add = A member of the chat can add you instead.
panel-ok = OK
panel-read-only-reason = Starting a chat connected to this record needs write access to it. You can only read this record.
panel-start-connected = Start a connected chat
panel-filter-placeholder = Filter chats by name
panel-tab-chats = Chats
panel-tab-channels = Channels
panel-tab-search = Search
panel-search-placeholder = Search messages in connected chats
panel-search-label = Search the messages of chats and channels connected to this record
panel-search-hint = Finds words in any form (“printers” finds “printer”) in the chats and channels of this record you are a member of.
panel-new-chat = New chat
panel-new-connected-chat = New connected chat
panel-show-tour = Show the tour of this panel
panel-tour = Tour of this panel
panel-refresh-label = Refresh the panel
panel-refresh = Refresh
panel-collaboration = Collaboration
panel-filter-label = Filter chats
panel-loading = Loading conversations…
panel-connected = Connected to this record
panel-connected-empty = No chats you can see are connected to this record. Start one with “New connected chat”.
panel-connected-empty-filtered = No chats matching “{ $filter }” you can see are connected to this record. Start one with “New connected chat”.
panel-join-denied = Connected chats you are not in are not listed. { $reason }
panel-other-records = Connected to other records
panel-other-records-empty = None of your chats are connected to other records.
panel-other-records-empty-filtered = None of your chats matching “{ $filter }” are connected to other records.
panel-other-chats = Other chats
panel-other-chats-empty = No other chats.
panel-other-chats-empty-filtered = No other chats matching “{ $filter }”.
panel-members = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
panel-active = active { $time }
panel-connected-by-you = connected by you
panel-connected-by = connected by { $name }
panel-join-chat = Join { $name }
panel-join = Join
panel-disconnect-chat = Disconnect { $name } from this record
panel-disconnect = Disconnect from this record
panel-actions-for = Actions for { $name }
panel-hover-and-join = Hover and join to see the full history.
panel-join-off = Joining is turned off for this record type. A member can add you instead.
panel-join-needs-write = You need write access to this record to join. A member can add you instead.
panel-join-not-possible = You cannot join this chat. A member can add you instead.
panel-open-chat = Open chat
panel-connect = Connect to this record
panel-new-connected-with-person = New connected chat with this person
panel-view-less = View less
panel-view-more = View more ({ $count })
panel-suggest-rule = People around this record
panel-suggest-similarity = Experts on similar records
panel-suggested = Suggested contacts
panel-no-suggestions = No suggestions for this record.
panel-match = { $percent }% match
panel-open-similar = Open the similar record
# Why a person is suggested: the codes of a suggestion's `why` (docs/api.md). $type is the
# record type's API name where these words know it (else "other"), $typeName its name in the
# page's language in lower case; $what an activity's kind; $date its day; $example a record
# as panel-reason-example words it.
panel-reason-owner = { $type ->
   *[other] Owns this { $typeName }
  }
panel-reason-previous_owner = { $type ->
   *[other] Owned this { $typeName } before
  }
panel-reason-team_admin = { $type ->
   *[other] Admin of { $team }, which owns this { $typeName }
  }
panel-reason-team_member_activity = In { $team }; logged { $what ->
    [note] a note
    [phone_call] a phone call
    [email] an email
    [task] a task
   *[other] an activity
  } on { $date }
panel-reason-connected_conversation = { $type ->
   *[other] Connected a conversation to this { $typeName }
  }
panel-reason-logged_activity = Logged { $what ->
    [note] a note
    [phone_call] a phone call
    [email] an email
    [task] a task
   *[other] an activity
  } on { $date }
panel-reason-related_owner = { $type ->
   *[other] Owns { $typeName } { $name }
  }
panel-reason-resolved_similar = { $count ->
    [one] Resolved a similar { $typeName }, { $example }
   *[other] Resolved { $count } similar { $type ->
        [case] cases
        [account] accounts
        [contact] contacts
        [knowledge_article] knowledge articles
        [email] emails
        [conversation] conversations
       *[other] records
    }, e.g. { $example }
  }
panel-reason-example = { $number } “{ $name }”
panel-start-connected-with = Start a connected chat with { $name }
panel-chat = Chat
panel-channel-team = Team { $team }
panel-channel = Channel
panel-connect-channel = Connect a channel
panel-connected-channels = Connected channels
panel-channels-off = Channels are turned off for this record type.
panel-no-channels = No channels are connected to this record. Connect a team channel to collaborate with the whole team.
panel-joined = You joined “{ $name }”.
panel-connected-toast = “{ $name }” is now connected to this record.
panel-connect-failed = The chat could not be connected
panel-one-on-one-private = One-on-one chats stay private
panel-one-on-one-offer = You can start a new connected chat with the same person instead. It starts empty, without the history of your one-on-one chat.
panel-cancel = Cancel
panel-disconnect-title = Disconnect this chat?
panel-disconnect-text = “{ $name }” will no longer be connected to { $record }. The chat and its messages stay as they are.
panel-disconnect-confirm = Disconnect
panel-disconnected = “{ $name }” was disconnected.
panel-disconnect-failed = The chat could not be disconnected
panel-people = People
panel-new-connected-intro = A new group chat connected to { $record }. It starts empty: no history from earlier chats with the same people.
panel-post-intro = Post an introduction with the key fields of this record
panel-start-chat = Start chat
panel-choose-other-person = Choose at least one other person.
panel-create-channel = Create a new channel
panel-new-channel-in-team = A new channel in one of my teams
panel-team = Team
panel-channel-name = Channel name
panel-no-team = You are not a member of any team.
panel-use-existing = Or use an existing channel
panel-existing-channel = An existing channel
panel-no-visible-channels = No channels you can see yet
panel-start-collaborating = Start collaborating
panel-choose-team-and-name = Choose a team and a name for the channel.

## admin.js: administration

admin-nav-general = Collaboration
admin-nav-users = Users
admin-nav-teams = Teams
admin-nav-roles = Roles
admin-nav-types = Record types
admin-nav-type-settings = Record type settings
admin-nav-audit = Audit log
admin-nav-webhooks = Webhooks
admin-webhook-intro = Host systems hear of what happens in chats connected to their records at these addresses. Endpoints are registered through the API (see the integration guide).
admin-webhook-none = No webhook endpoints are registered.
admin-webhook-summary = Events: { $events } · registered by { $by } · { $pending } waiting · { $failed } failed
admin-webhook-deliveries = Latest deliveries
admin-webhook-no-deliveries = No deliveries yet.
admin-webhook-col-event = Event
admin-webhook-col-attempts = Attempts
admin-webhook-col-answer = Last answer
admin-webhook-col-made = Made
admin-webhook-col-next = Next attempt
admin-webhook-status-pending = Waiting
admin-webhook-status-delivered = Delivered
admin-webhook-status-failed = Failed
admin-webhook-redeliver = Send again
admin-webhook-redelivered = The delivery will be sent again.
admin-nav-api-keys = API keys
admin-key-intro = Host systems keep their records and people in step with Tether using these keys. Give each system its own key with only the scopes it needs, and revoke a key the moment it may have leaked.
admin-key-none = No API keys have been made.
admin-key-new = New API key
admin-key-create = Create key
admin-key-name-hint = What the key is for, such as "Zendesk sync". Shown here and in the audit log.
admin-key-scopes = Scopes
admin-key-scope-records = create and update records by the host's ids
admin-key-scope-users = create and update people by the host's ids
admin-key-scope-webhooks = register webhook endpoints and read their deliveries
admin-key-col-made = Made
admin-key-col-used = Last used
admin-key-made-by = by { $by }
admin-key-someone-gone = a removed user
admin-key-never = Never
admin-key-state-revoked = Revoked
admin-key-revoke = Revoke
admin-key-revoke-label = Revoke the key { $name }
admin-key-revoke-title = Revoke the key { $name }?
admin-key-revoke-text = The host system using { $name } is refused from its next request, and the key cannot be used again. This cannot be undone: to reconnect the system, make a new key.
admin-key-revoked-toast = The key { $name } is revoked.
admin-key-made-title = The key { $name } is made
admin-key-shown-once = This key is shown only now. Copy it into the host system's secret store before you close this dialog: Tether keeps only a fingerprint of it and cannot show it again.
admin-key-the-key = The key
admin-key-how-sent = The host system sends it as "Authorization: Bearer" followed by the key.
admin-key-done = I have copied it
admin-copy = Copy
admin-copied = Copied.
admin-copy-by-hand = The key is selected: copy it with Ctrl+C (⌘C on a Mac).
admin-nav-integrations = Integrations
admin-integration-intro = Host systems registered here open Tether's panel inside their own pages with signed launch tokens. The secret or key is never shown again after it is saved.
admin-integration-none = No integrations are registered.
admin-integration-new = New integration
admin-integration-create = Register integration
admin-integration-id = Id (the tokens' issuer)
admin-integration-source = Source
admin-integration-source-hint = The host system's name for its ids: 1–40 of a–z, 0–9, _ and -, such as zendesk.
admin-integration-origins = Allowed origins
admin-integration-origins-hint = One per line: the origins whose pages may show the panel, such as https://acme.zendesk.com (no path, no wildcard).
admin-integration-key = How tokens are signed
admin-integration-kind-secret = Shared secret (HS256)
admin-integration-kind-pem = Public key (RS256 or EdDSA)
admin-integration-secret = Shared secret
admin-integration-secret-hint = At least 32 bytes. Generate one here and copy it into the host system: it is not shown again.
admin-integration-generate = Generate
admin-integration-secret-generated = A new random secret is in the field. Copy it before you register the integration.
admin-integration-public-key = Public key (PEM)
admin-integration-public-key-hint = The text from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----: an RSA key means RS256, an Ed25519 key EdDSA.
admin-integration-audience = Audience
admin-integration-audience-hint = What every token's "aud" must say, usually this server's address.
admin-integration-provision = A launch may create agents Tether does not know yet
admin-integration-default-role = Their role
admin-integration-default-role-hint = Roles holding the admin privilege cannot be chosen.
admin-integration-no-role = Choose a role
admin-integration-algorithm = Algorithm
admin-integration-provisions = Creates people
admin-integration-provisions-yes = Yes, as { $role }
admin-integration-provisions-no = No
admin-integration-made = Registered
admin-integration-created = The integration { $name } is registered.
admin-integration-delete = Delete
admin-integration-delete-label = Delete the integration { $name }
admin-integration-delete-title = Delete the integration { $name }?
admin-integration-delete-text = Its launch tokens are refused from now on, and every embed session its agents have open ends at once. Records, chats and people stay.
admin-integration-deleted = The integration { $name } is deleted.
admin-title = Administration
admin-collab-on-everyone = Collaboration is on for everyone
admin-collab-off-everyone = Collaboration is off for everyone
admin-collab-hint = Chats, channels and record panels, for every user whose role allows collaboration.
admin-collab-off-title = Turn collaboration off for everyone?
admin-collab-off-text = Every user loses chats, channels and record panels at once, until collaboration is turned on again. Nothing is deleted.
admin-collab-off-confirm = Turn off for everyone
admin-collab-is-on = Collaboration is on.
admin-collab-is-off = Collaboration is off.
admin-roles-of = Roles of { $name }
admin-roles-intro = Choose the roles this user holds. Roles that are not ticked are taken away.
admin-cancel = Cancel
admin-save-roles = Save roles
admin-roles-saved = The roles of { $name } are saved.
admin-new-user = New user
admin-name = Name
admin-email = E-mail
admin-initial-password = Initial password
admin-roles = Roles
admin-teams = Teams
admin-create-user = Create user
admin-user-created = { $name } can now sign in.
admin-set-password-of = Set the password of { $name }
admin-set-password-intro = { $name } is signed out everywhere and signs in with the new password.
admin-new-password = New password
admin-set-password = Set password
admin-password-set = The password of { $name } is set; their sessions have ended.
admin-deactivate-title = Deactivate { $name }?
admin-deactivate-text = { $name } is signed out at once and can no longer sign in. Their messages, records and history stay. You can reactivate them later.
admin-deactivate = Deactivate
admin-reactivate = Reactivate
admin-deactivated-toast = { $name } is deactivated; their history stays.
admin-reactivated-toast = { $name } can sign in again.
admin-no-roles = No roles
admin-no-team = No team
admin-state-active = Active
admin-state-deactivated = Deactivated
admin-user-search-placeholder = Search by name or e-mail
admin-show-more-users = Show more users
admin-users-count = { $count ->
    [one] { $count } user
   *[other] { $count } users
}
admin-users-first = { $count ->
    [one] The first { $count } user
   *[other] The first { $count } users
}
admin-users-none = Nobody matches this search.
admin-col-status = Status
admin-col-actions = Actions
admin-search-users = Search users
admin-add-people-to = Add people to { $team }
admin-team-admin = Team admin
admin-remove-admin-label = { $name } is no longer a team admin of { $team }
admin-remove-admin = Remove as admin
admin-make-admin-label = Make { $name } a team admin of { $team }
admin-make-admin = Make admin
admin-remove-member-label = Remove { $name } from { $team }
admin-remove-member-title = Remove { $name } from { $team }?
admin-remove-member-text = { $name } leaves the team and its channels, and loses access that came from the team.
admin-remove-from-team = Remove from team
admin-remove = Remove
admin-no-members = No members yet.
admin-add-members = Add members
admin-add = Add
admin-no-teams = No teams yet.
admin-team-admins = Team admins
admin-members = Members
admin-new-team = New team
admin-create-team = Create team
admin-depth-none = None
admin-depth-own = Own records
admin-depth-team = Own team
admin-depth-all = All records
admin-every-type = Every record type
admin-read-type = Read { $type }
admin-write-type = Write { $type }
admin-new-role = New role
admin-privileges = Privileges
admin-record-type = Record type
admin-read = Read
admin-write = Write
admin-create-role = Create role
admin-role = Role
admin-record-placeholder = Type a name or number
admin-records = Records
admin-no-record-found = No record found
admin-record = Record
admin-person = Person
admin-every-action = Every action
admin-show-older-entries = Show older entries
admin-export-csv = Export CSV
admin-deleted-record = a deleted record
admin-about-chat = Chat: { $name }
admin-one-on-one-chat = A one-on-one chat
admin-deleted-chat = A deleted chat
admin-the-system = The system
admin-the-api-key = API key “{ $name }”
admin-entries = { $count ->
    [one] { $count } entry
   *[other] { $count } entries
}
admin-no-entries = No entries match these filters.
admin-action = Action
admin-apply-filters = Apply filters
admin-col-when = When
admin-col-who = Who
admin-col-about = About
admin-col-details = Details

## admin-types.js: record types and their settings

admin-types-kind-text = Text
admin-types-kind-long-text = Long text
admin-types-kind-number = Number
admin-types-kind-boolean = Boolean
admin-types-kind-date = Date
admin-types-kind-choice = Choice
admin-types-kind-lookup = Lookup
admin-types-display-placeholder = Work order
admin-types-field-kind = Kind of field { $n }
admin-types-field-extra = Options or target of field { $n }
admin-types-field-extra-placeholder = options: a, b, c — or target type
admin-types-field-name = Name of field { $n }
admin-types-field-label = Label of field { $n }
admin-types-field-required = Field { $n } is required
admin-types-field-remove = Remove field { $n }
admin-types-name = Name
admin-types-new = New record type
admin-types-logical-name = Logical name
admin-types-display-name = Display name
admin-types-prefix = Number prefix (optional)
admin-types-fields-hint = The first field is the primary name. Choice fields take their options, lookup fields their target type (one of: { $types }).
admin-types-label = Label
admin-types-kind = Kind
admin-types-required = Required
admin-types-options-target = Options / target
admin-types-add-field = Add field
admin-types-cancel = Cancel
admin-types-create = Create record type
admin-types-title = Record types
admin-types-standard = Standard
admin-types-custom = Custom
admin-types-field-count = { $count ->
    [one] { $count } field
   *[other] { $count } fields
}
admin-types-field = Field
admin-types-details = Details
admin-types-primary-name = Primary name
admin-types-is-required = required
admin-types-is-read-only = read-only
admin-types-chosen = { $count } of 5 chosen
admin-types-chosen-list = { $count } of 5 chosen: { $list }
admin-types-intro-fields = Fields on the introduction card (up to 5)
admin-types-notify-fields = Fields whose changes are announced in connected chats (up to 5)
admin-types-state = State
admin-types-owner = Owner
admin-types-h-chats = Chats
admin-types-chats-enabled = Chats can be connected to these records
admin-types-auto-name = Name new connected chats after the record
admin-types-auto-name-hint = Otherwise a chat is named after its members.
admin-types-join-chat = Join chat
admin-types-join-chat-hint = Users with write access see connected chats they are not in, locked, and can join them with the full history.
admin-types-show-on-timeline = Show connected chats on the timeline
admin-types-hand-over = Hand over chats to a new owner
admin-types-hand-over-hint = When the owner changes, the new owner is added to the connected chats.
admin-types-channels-enabled = Channels can be connected to these records
admin-types-h-disconnecting = Disconnecting
admin-types-owner-may-disconnect = The record owner may disconnect chats
admin-types-last-connector = The last user who connected a chat may disconnect it
admin-types-h-intro = Introduction message
admin-types-intro-enabled = Offer an introduction card when a connected chat starts
admin-types-h-suggested = Suggested contacts
admin-types-rule-based = Rule-based suggestions (owner, team, activity authors, …)
admin-types-similarity-based = Similarity-based suggestions (experts on similar records)
admin-types-h-notifications = Field-change notifications
admin-types-notify-enabled = Post a system message in connected chats when these fields change
admin-types-save-settings = Save settings
admin-types-saved-at = Saved at { $time }.
admin-types-settings-saved = Settings of { $type } saved.
admin-types-settings-title = Record type settings
admin-types-record-type = Record type

## admin-labels.js: privileges and audit entries in words

admin-labels-action-chat-connected = Chat connected to a record
admin-labels-action-chat-disconnected = Chat disconnected from a record
admin-labels-action-chat-joined = Joined a chat
admin-labels-action-chat-members-added = Chat members added
admin-labels-action-chat-member-removed = Chat member removed
admin-labels-action-record-shared = Record shared
admin-labels-action-record-deleted = Record deleted
admin-labels-action-record-type-created = Record type created
admin-labels-action-role-created = Role created
admin-labels-action-settings-global-changed = Collaboration switched on or off
admin-labels-action-settings-record-type-changed = Record type settings changed
admin-labels-action-team-created = Team created
admin-labels-action-team-members-added = Team members added
admin-labels-action-team-member-removed = Team member removed
admin-labels-action-team-updated = Team renamed or team admins changed
admin-labels-action-user-created = User created
admin-labels-action-user-activated = User reactivated
admin-labels-action-user-deactivated = User deactivated
admin-labels-action-user-roles-changed = User roles changed
admin-labels-action-user-password-changed = Password changed
admin-labels-action-user-password-change-failed = Password change failed
admin-labels-action-session-signed-in = Signed in
admin-labels-action-session-signed-out = Signed out
admin-labels-action-session-sign-in-failed = Sign-in failed
admin-labels-action-api-key-created = API key made
admin-labels-action-api-key-revoked = API key revoked
admin-labels-action-webhook-created = Webhook registered
admin-labels-action-webhook-deleted = Webhook removed
admin-labels-action-record-synced = Record synced from another system
admin-labels-action-user-synced = User synced from another system
admin-labels-action-record-unshared = Record no longer shared
admin-labels-action-session-launched = Session launched from another system
admin-labels-action-integration-created = Integration added
admin-labels-action-integration-deleted = Integration removed
admin-labels-detail-user-id = Person
admin-labels-detail-user-ids = People
admin-labels-detail-team-id = Team
admin-labels-detail-admin-ids = Team admins
admin-labels-detail-previous-admin-ids = Previous team admins
admin-labels-detail-member-ids = Members
admin-labels-detail-roles = Roles
admin-labels-detail-team-ids = Teams
admin-labels-detail-previous-name = Previous name
admin-labels-detail-collaboration-enabled = Collaboration on
admin-labels-detail-access = Access
admin-labels-detail-via = By
admin-labels-detail-sessions-ended = Sessions ended
admin-labels-detail-email = E-mail
admin-labels-detail-address = Address
admin-labels-detail-reason = Reason
admin-labels-detail-name = Name
admin-labels-detail-history = History
admin-labels-detail-role = Role
admin-labels-detail-privileges = Privileges
admin-labels-detail-integration = Integration
admin-labels-detail-integration-id = Integration id
admin-labels-detail-source = Source
admin-labels-detail-external-id = External id
admin-labels-detail-allowed-origins = Allowed origins
admin-labels-detail-algorithm = Algorithm
admin-labels-detail-provision-users = Creates people
admin-labels-detail-default-role = Default role
admin-labels-detail-webhook-id = Webhook id
admin-labels-detail-url = Address
admin-labels-detail-events = Events
admin-labels-detail-api-key-id = API key id
admin-labels-detail-scopes = Scopes
admin-labels-detail-outcome = Outcome
admin-labels-detail-fields = Fields
admin-labels-detail-owner = Owner
admin-labels-detail-state = State
admin-labels-event-chat-connected = chat connected
admin-labels-event-chat-disconnected = chat disconnected
admin-labels-event-message-created = message written
admin-labels-event-chat-joined = chat joined
admin-labels-event-transcript-saved = transcript saved
admin-labels-event-record-handed-over = record handed over
admin-labels-scope-records-write = write records
admin-labels-scope-users-write = write people
admin-labels-scope-webhooks = webhooks
admin-labels-value-read = read
admin-labels-value-write = write
admin-labels-value-unknown-account = unknown account
admin-labels-value-deactivated = account deactivated
admin-labels-value-wrong-password = wrong password
admin-labels-value-created = created
admin-labels-value-updated = updated
admin-labels-value-history-all = all messages
admin-labels-value-via-administrator = an administrator
admin-labels-value-via-self = themselves
admin-labels-value-via-command-line = the command line
admin-labels-flag-admin = Administration: users, teams, roles, record types and settings
admin-labels-flag-collab-use = Collaboration: chats, channels and record panels
admin-labels-flag-collab-disconnect = Disconnect chats from records
admin-labels-read-own = read — own records
admin-labels-read-team = read — own team
admin-labels-read-all = read — all records
admin-labels-write-own = write — own records
admin-labels-write-team = write — own team
admin-labels-write-all = write — all records
role-administrator = Administrator
role-agent = Agent
role-knowledge_manager = Knowledge manager
role-supervisor = Supervisor
role-viewer = Viewer
admin-labels-every-type = Every record type
admin-labels-privilege = { $subject }: { $access }
admin-labels-on = on
admin-labels-off = off
admin-labels-change = { $name }: { $before } → { $after }
admin-labels-no-change = no change
admin-labels-type-changes = { $type } — { $changes }
admin-labels-record-type = Record type: { $type }
admin-labels-someone-unknown = someone no longer known
admin-labels-yes = yes
admin-labels-no = no

## finder.js: the record finder in the top bar
finder-label = Find a record
finder-placeholder = Find a record…  ( / )
finder-close = Close the finder
finder-searching = Searching…
finder-none = No record you can open matches “{ $q }”.
finder-count = { $count ->
    [one] 1 result
   *[other] { $count } results
}

## fields.js: a record's fields
fields-state-active = Active
fields-state-resolved = Resolved
fields-state-cancelled = Cancelled
fields-state = State
fields-lookup-placeholder = Search by name or number
fields-open-record = Open record
fields-unreadable-record = a record you can’t open
fields-yes = Yes
fields-no = No
fields-save = Save changes
fields-saving = Saving…
fields-discard = Discard

## api.js: the standard record types in words (rt-<type>, rt-<type>-<field>,
## rt-<type>-<field>-<option>). The English words must be the built-in texts of
## standard_record_types() (tests/i18n.rs): the UI shows these words only where the stored
## text is still the built-in one. .plural titles a type's records page, .lower is the plural
## within a sentence, .new names the New-record button and dialog.
rt-case = Case
    .plural = Cases
    .lower = cases
    .new = New case
    .named = Case
    .one = a case
rt-case-ticket_number = Case number
rt-case-title = Case title
rt-case-description = Description
rt-case-priority = Priority
rt-case-priority-low = Low
rt-case-priority-normal = Normal
rt-case-priority-high = High
rt-case-priority-urgent = Urgent
rt-case-origin = Origin
rt-case-origin-phone = Phone
rt-case-origin-email = Email
rt-case-origin-web = Web
rt-case-origin-chat = Chat
rt-case-product = Product
rt-case-account = Account
rt-case-contact = Contact
rt-account = Account
    .plural = Accounts
    .lower = accounts
    .new = New account
    .named = Account
    .one = an account
rt-account-name = Account name
rt-account-industry = Industry
rt-account-phone = Phone
rt-account-website = Website
rt-account-city = City
rt-account-description = Description
rt-contact = Contact
    .plural = Contacts
    .lower = contacts
    .new = New contact
    .named = Contact
    .one = a contact
rt-contact-full_name = Full name
rt-contact-email = E-mail
rt-contact-phone = Phone
rt-contact-job_title = Job title
rt-contact-account = Account
rt-knowledge_article = Knowledge article
    .plural = Knowledge articles
    .lower = knowledge articles
    .new = New knowledge article
    .named = Knowledge article
    .one = a knowledge article
rt-knowledge_article-ticket_number = Article number
rt-knowledge_article-title = Title
rt-knowledge_article-summary = Summary
rt-knowledge_article-content = Content
rt-knowledge_article-keywords = Keywords
rt-email = Email
    .plural = Emails
    .lower = emails
    .new = New email
    .named = Email
    .one = an email
rt-email-subject = Subject
rt-email-from = From
rt-email-to = To
rt-email-body = Body
rt-email-regarding_case = Regarding case
rt-conversation = Conversation
    .plural = Conversations
    .lower = conversations
    .new = New conversation
    .named = Conversation
    .one = a conversation
rt-conversation-subject = Subject
rt-conversation-channel = Channel
rt-conversation-channel-chat = Chat
rt-conversation-channel-voice = Voice
rt-conversation-channel-sms = SMS
rt-conversation-channel-social = Social media
rt-conversation-customer = Customer
rt-conversation-summary = Summary

## combobox.js: pickers that search as you type
combobox-none = Nothing found
combobox-count = { $count ->
    [one] 1 suggestion
   *[other] { $count } suggestions
}

## records.js: the records of one type
records-title = { $type } records
records-new = New { $type }
records-scope = Show
records-mine = Mine
records-teams = My teams’
records-all = All I can read
records-state = State
records-any-state = Any state
records-owner = Owner
records-any-owner = Anyone
records-owner-team = Owning team
records-any-team = Any team
records-my-teams = My teams
records-other-teams = Other teams
records-sort = Sort by
records-sort-updated = Last changed
records-sort-created = Newest
records-sort-name = Name
records-sort-number = Number
records-search = Search by name or number
records-empty = No records match these filters.
records-pages = Pages
records-prev = Previous page
records-next = Next page
records-page = Records { $from }–{ $to }
records-col-name = Name
records-col-number = Number
records-col-updated = Updated
records-create = Create
records-cancel = Cancel
records-no-type = There is no such record type.
records-breadcrumb = Breadcrumb
records-my-work = My work
records-failed = These records could not be shown

## record.js: the record page
record-pane-record = Record
record-pane-collaboration = Collaboration
record-pane-chat = Chat
record-pane-parts = Parts of this page
record-kind-note = Note
record-kind-phone-call = Phone call
record-kind-email = Email
record-kind-task = Task
record-kind-chat = Chat
record-timeline = Timeline
record-timeline-entries = Timeline entries
record-timeline-older = Show older entries
record-timeline-empty = Nothing on the timeline yet.
record-timeline-loading-older = Loading older entries…
record-timeline-updated = Updated { $time }
record-refresh = Refresh
record-open-chat = Open chat
record-join = Join
record-not-member = Not a member
record-this-chat = this chat
record-a-chat = a chat
record-disconnect = Disconnect
record-disconnected-since = Disconnected since { $time }
record-connected-by = Connected by { $name }
record-disconnected-by = Disconnected by { $name }
record-connected-disconnected-by = Connected by { $connected } · disconnected by { $disconnected }
record-chat-connected = Chat connected:
record-chat-disconnected = Chat disconnected:
record-last-message = last message { $time }
record-last-message-from = last message from { $name } { $time }
record-activity-log = Log an activity
record-activity-kind = Kind
record-activity-subject = Subject
record-activity-subject-placeholder = What happened?
record-activity-details = Details
record-activity-details-placeholder = Details (optional)
record-activity-add = Add to timeline
record-owner-team = Team { $name }
record-owner-label = Owner:
record-read-only = Read only
record-details = Details
record-saved = Changes saved.
record-failed = This record could not be opened
record-breadcrumb = Breadcrumb
record-my-work = My work
record-change-owner = Change owner
record-owner-title = Change the owner
record-owner-search = Search people and teams
record-owner-none = Nobody you may hand this record to matches.
record-owner-kind-team = Team
record-owner-kind-person = Person
record-owner-changed = The owner is now { $name }.
record-handed-over = { $count ->
    [0] The owner is now { $name }; there were no connected group chats to hand over.
    [one] 1 chat handed over to { $name }.
   *[other] { $count } chats handed over to { $name }.
}
record-save = Save
record-cancel = Cancel
record-close = Close
record-share = Share
record-share-title = Share this record
record-shared-with = Shared with
record-not-shared = This record is not shared with anyone.
record-share-person = Person
record-share-person-placeholder = Name or e-mail
record-share-access = Access
record-share-read = Can read
record-share-write = Can edit
record-share-add = Add
record-share-remove = Remove
record-share-remove-label = Remove the share of { $name }
record-share-pick-person = Choose a person from the suggestions.

## Signed launch and the embedded panel (issue 19; web/embed.rs, embed.js)
launch-title = Open in Tether
launch-refused-heading = Tether could not be opened from here
launch-refused-malformed = The link from your helpdesk is not a valid launch token. Open the ticket again.
launch-refused-unknown_issuer = The link comes from a system Tether does not know. Ask an administrator to check the integration.
launch-refused-bad_signature = The link's signature is not valid. Ask an administrator to check the integration's key.
launch-refused-expired = The link has expired. Open the ticket again.
launch-refused-too_long_lived = The link is valid for too long (at most 5 minutes). Ask an administrator to check the integration.
launch-refused-wrong_audience = The link is meant for another Tether. Ask an administrator to check the integration's audience.
launch-refused-replayed = The link was already used. Open the ticket again.
launch-refused-unknown_agent = Tether does not know you yet. Ask an administrator to add you.
launch-refused-deactivated = Your Tether account is deactivated.
launch-refused-administrator = Administrators cannot open Tether from a helpdesk; sign in to Tether directly.
launch-refused-record_refused = The ticket could not be opened in Tether. Ask an administrator to check the integration.
launch-no-session = Open Tether again from your helpdesk's ticket.
embed-failed = This record cannot be shown here.
embed-no-access = You don't have access to this record.
embed-not-found = Tether has no such record.
embed-ticket-unavailable = This ticket is not in Tether, or you don't have access to it. Its chats cannot be shown here.
embed-drafts-kept = A message you had not sent yet is kept: it is back in its chat when Tether opens again.
embed-open-in-tether = Open in Tether
