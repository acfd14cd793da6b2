// The pack demo's notes service: plain Node (node:http, pg), no build step. It listens on
// 127.0.0.1 only, on PORT, over the database of DATABASE_URL, and keeps to openapi/notes.yaml:
// 404 for an unknown id, 422 for a malformed id or body, [] for an empty list.
'use strict';
const http = require('node:http');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toNote = (r) => ({ id: r.id, title: r.title, body: r.body, createdAt: r.created_at.toISOString() });

function send(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      try {
        resolve({ value: JSON.parse(text) });
      } catch {
        resolve({ error: 'the body is not JSON' });
      }
    });
  });
}

/** The problems of a NoteCreate body, as one message, or undefined when it is valid. */
function invalidNote(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be an object';
  const extra = Object.keys(body).filter((k) => k !== 'title' && k !== 'body');
  if (extra.length) return `unknown field ${extra[0]}`;
  if (typeof body.title !== 'string' || body.title.length < 1 || body.title.length > 200) return 'title: a string of 1 to 200 characters is required';
  if (body.body !== undefined && (typeof body.body !== 'string' || body.body.length > 10000)) return 'body: a string of at most 10000 characters';
  return undefined;
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method === 'GET' && url.pathname === '/health') {
    await pool.query('SELECT 1');
    return send(res, 200, { status: 'ok' });
  }
  if (parts[0] !== 'notes' || parts.length > 2) return send(res, 404, { detail: `no route ${req.method} ${url.pathname}` });
  if (parts.length === 1 && req.method === 'GET') {
    const { rows } = await pool.query('SELECT * FROM notes ORDER BY created_at, id');
    return send(res, 200, rows.map(toNote));
  }
  if (parts.length === 1 && req.method === 'POST') {
    const parsed = await readJson(req);
    const problem = parsed.error ?? invalidNote(parsed.value);
    if (problem) return send(res, 422, { detail: problem });
    const { rows } = await pool.query('INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING *', [parsed.value.title, parsed.value.body ?? '']);
    return send(res, 201, toNote(rows[0]));
  }
  if (parts.length === 2 && req.method === 'GET') {
    const id = decodeURIComponent(parts[1]);
    if (!UUID.test(id)) return send(res, 422, { detail: 'noteId: a uuid is required' });
    const { rows } = await pool.query('SELECT * FROM notes WHERE id = $1', [id]);
    return rows[0] ? send(res, 200, toNote(rows[0])) : send(res, 404, { detail: `no note ${id}` });
  }
  return send(res, 404, { detail: `no route ${req.method} ${url.pathname}` });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    if (!res.headersSent) send(res, 500, { detail: 'internal error' });
  });
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  process.stdout.write(`notes listening on 127.0.0.1:${server.address().port}\n`);
});

const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
