-- The seeded Unleash's known records (harness.config.json: sandbox.seed), applied once to the
-- seeded template after Unleash's own migrations; the empty twin has only what Unleash's
-- migrations create (the default project, the built-in environments, roles and tag types).
-- Fixed names and timestamps: the same seed gives the same database.
INSERT INTO projects (id, name, description, created_at) VALUES
  ('harness-alpha', 'Harness Alpha', 'seeded by the harness, with features', '2026-01-01T00:00:00Z'),
  ('harness-beta', 'Harness Beta', 'seeded by the harness, without features', '2026-01-01T00:00:00Z');

INSERT INTO project_environments (project_id, environment_name) VALUES
  ('harness-alpha', 'development'), ('harness-alpha', 'production'),
  ('harness-beta', 'development'), ('harness-beta', 'production');

INSERT INTO features (name, description, type, project, created_at) VALUES
  ('harness-checkout', 'seeded release flag', 'release', 'harness-alpha', '2026-01-01T00:00:00Z'),
  ('harness-search', 'seeded experiment flag', 'experiment', 'harness-alpha', '2026-01-01T00:00:00Z'),
  ('harness-default-flag', 'seeded flag in the default project', 'release', 'default', '2026-01-01T00:00:00Z');

INSERT INTO feature_environments (environment, feature_name, enabled) VALUES
  ('development', 'harness-checkout', true), ('production', 'harness-checkout', false),
  ('development', 'harness-search', false), ('production', 'harness-search', false),
  ('development', 'harness-default-flag', true), ('production', 'harness-default-flag', false);

INSERT INTO tags (type, value) VALUES ('simple', 'harness-seeded');
INSERT INTO feature_tag (feature_name, tag_type, tag_value) VALUES ('harness-checkout', 'simple', 'harness-seeded');

INSERT INTO segments (name, description, constraints, created_at) VALUES
  ('harness-beta-users', 'seeded segment', '[]', '2026-01-01T00:00:00Z');
