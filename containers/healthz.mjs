// The images' HEALTHCHECK: GET http://127.0.0.1:<port>/healthz, where <port> is the
// environment variable named by the first argument (else the second argument).
// Exit 0 when it answers 2xx within 4 s, else 1 (what HEALTHCHECK expects).
const [variable, fallback] = process.argv.slice(2);
const port = process.env[variable] || fallback;
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
