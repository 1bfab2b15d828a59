-- The tables and columns the importer reads, named as in a chat.db of macOS 10.12 (before
-- nanosecond dates, edits, inline replies and custom-emoji tapbacks: those columns are absent).
-- No real chat.db was available: every row below is invented.
PRAGMA page_size = 1024;
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, UNIQUE (id, service));
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT);

INSERT INTO handle VALUES (1, '+447700900123', 'gb', 'iMessage', NULL);
INSERT INTO handle VALUES (2, 'sam@example.org', NULL, 'iMessage', NULL);
INSERT INTO handle VALUES (3, '+33612345678', 'fr', 'SMS', NULL);
INSERT INTO chat (ROWID, guid, style, state, chat_identifier, service_name, display_name) VALUES (1, 'iMessage;+;chat493829384726354', 43, 3, 'chat493829384726354', 'iMessage', 'Book Club');
INSERT INTO chat_handle_join VALUES (1, 1), (1, 2);
-- Dates in seconds since 2001 (databases before macOS 10.13).
-- 1: the owner adds sam@example.org (item_type 1, group_action_type 0, other_handle).
INSERT INTO message (ROWID, guid, handle_id, service, date, is_from_me, item_type, other_handle, group_action_type) VALUES (1, 'E7A1C0DE-0000-4000-8000-000000000101', 0, 'iMessage', 284032800, 1, 1, 2, 0);
-- 2: +447700900123 names the group (item_type 2, group_title).
INSERT INTO message (ROWID, guid, handle_id, service, date, is_from_me, item_type, group_title) VALUES (2, 'E7A1C0DE-0000-4000-8000-000000000102', 1, 'iMessage', 284032860, 0, 2, 'Book Club');
-- 3: a text.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (3, 'E7A1C0DE-0000-4000-8000-000000000103', 'Chapter 3 tonight? 📚', 2, 'iMessage', 284032920, 0);
-- 4: +447700900123 emphasises it (part 0).
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, associated_message_guid, associated_message_type) VALUES (4, 'E7A1C0DE-0000-4000-8000-000000000104', 'Emphasized “Chapter 3 tonight? 📚”', 1, 'iMessage', 284032930, 0, 'p:0/E7A1C0DE-0000-4000-8000-000000000103', 2004);
-- 5: the owner loves a message that is not in this database.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, associated_message_guid, associated_message_type) VALUES (5, 'E7A1C0DE-0000-4000-8000-000000000105', 'Loved “an older message”', 0, 'iMessage', 284032940, 1, 'p:0/E7A1C0DE-0000-4000-8000-999999999999', 2000);
-- 6: sam removes a dislike they never gave (no target either): a warning.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, associated_message_guid, associated_message_type) VALUES (6, 'E7A1C0DE-0000-4000-8000-000000000106', 'Removed a dislike', 2, 'iMessage', 284032950, 0, 'bp:E7A1C0DE-0000-4000-8000-888888888888', 3002);
-- 7: sam leaves (item_type 3, group_action_type 0).
INSERT INTO message (ROWID, guid, handle_id, service, date, is_from_me, item_type, group_action_type) VALUES (7, 'E7A1C0DE-0000-4000-8000-000000000107', 2, 'iMessage', 284033000, 0, 3, 0);
-- 8: an item_type the importer does not know: a system message with a warning.
INSERT INTO message (ROWID, guid, handle_id, service, date, is_from_me, item_type) VALUES (8, 'E7A1C0DE-0000-4000-8000-000000000108', 1, 'iMessage', 284033050, 0, 6);
-- 9: a text without a date: it takes the previous message's time, with a warning.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (9, 'E7A1C0DE-0000-4000-8000-000000000109', 'See you all there', 0, 'iMessage', 0, 1);
-- 10: an SMS joined to no chat: grouped under its handle, with a warning.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (10, 'E7A1C0DE-0000-4000-8000-000000000110', 'Your code is 123456', 3, 'SMS', 284033200, 0);
-- 11: a photo sent by the owner, with a GIF; the export has no Attachments folder.
INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, cache_has_attachments) VALUES (11, 'E7A1C0DE-0000-4000-8000-000000000111', char(65532) || char(65532) || 'cover art', 0, 'iMessage', 284033300, 1, 1);
INSERT INTO attachment (ROWID, guid, created_date, filename, uti, mime_type, transfer_name, total_bytes) VALUES (1, 'AT_0_11110000-0000-4000-8000-000000000001', 284033299, '~/Library/Messages/Attachments/11/01/AT_0_11110000-0000-4000-8000-000000000001/cover.jpeg', 'public.jpeg', 'image/jpeg', 'cover.jpeg', 48211);
INSERT INTO attachment (ROWID, guid, created_date, filename, uti, mime_type, transfer_name, total_bytes) VALUES (2, 'AT_0_22220000-0000-4000-8000-000000000002', 284033299, '~/Library/Messages/Attachments/22/02/AT_0_22220000-0000-4000-8000-000000000002/dance.gif', 'com.compuserve.gif', 'image/gif', 'dance.gif', 9120);
INSERT INTO message_attachment_join VALUES (11, 1), (11, 2);
INSERT INTO chat_message_join VALUES (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (1, 9), (1, 11);
