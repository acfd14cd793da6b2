-- Deterministic ids, so tests and the generated cases can name seeded notes.
INSERT INTO notes (id, title, body, created_at) VALUES
  ('00000000-0000-4000-8000-000000000001', 'First note', 'Seeded by db/seed.sql.', '2026-01-01T09:00:00Z'),
  ('00000000-0000-4000-8000-000000000002', 'Second note', '', '2026-01-02T09:00:00Z');
