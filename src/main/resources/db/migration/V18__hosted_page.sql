-- The hosted checkout page (issue 20): where the buyer goes after paying or giving up, and which
-- shop origins may show the page in an iframe (CSP frame-ancestors, postMessage target).
ALTER TABLE checkouts ADD COLUMN success_url text, ADD COLUMN cancel_url text;
ALTER TABLE merchants ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';
