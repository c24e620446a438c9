/** Where the playground page is served. */
export const PLAYGROUND_PATH = '/graphiql';

/** Where its assets are served: `/graphiql/assets/<name>`. */
export const PLAYGROUND_ASSETS_PATH = `${PLAYGROUND_PATH}/assets`;

/** The `sessionStorage` entry holding the API key typed into the page. */
export const PLAYGROUND_KEY_STORAGE = 'phx.apiKey';

/**
 * The HTML of the playground: an API key field above GraphiQL, all scripts
 * and styles from `/graphiql/assets` (no inline script, so the page's
 * Content-Security-Policy can forbid them).
 *
 * @param graphqlPath - path of the GraphQL endpoint (HTTP and WebSocket), e.g. `/graphql`
 * @returns the page
 */
export function renderPlaygroundPage(graphqlPath: string): string {
  const asset = (name: string): string => `${PLAYGROUND_ASSETS_PATH}/${name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>phx GraphQL playground</title>
<link rel="stylesheet" href="${asset('graphiql.css')}">
<link rel="stylesheet" href="${asset('playground.css')}">
</head>
<body>
<form id="phx-key-bar" autocomplete="off">
  <label for="phx-api-key">API key</label>
  <input id="phx-api-key" name="apiKey" type="password" placeholder="phx_… (sent as Authorization: Bearer, and in connection_init for subscriptions)" spellcheck="false">
  <span id="phx-key-status" role="status"></span>
</form>
<div id="graphiql">Loading the playground…</div>
<script src="${asset('react.js')}"></script>
<script src="${asset('react-dom.js')}"></script>
<script src="${asset('graphiql.js')}"></script>
<script src="${asset('graphql-ws.js')}"></script>
<script src="${asset('playground.js')}" data-graphql-path="${graphqlPath}" data-key-storage="${PLAYGROUND_KEY_STORAGE}"></script>
</body>
</html>
`;
}

/** Styles of the key bar; GraphiQL fills the rest of the window. */
export const PLAYGROUND_CSS = `
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
#phx-key-bar { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0.8rem; border-bottom: 1px solid #ddd; }
#phx-api-key { flex: 1; max-width: 36rem; font-family: monospace; }
#phx-key-status { color: #555; font-size: 0.85rem; }
#graphiql { flex: 1; min-height: 0; }
`;

/**
 * The page's script (runs in the browser, no build step): GraphiQL with a
 * fetcher that sends the key as `Authorization: Bearer <key>` over HTTP
 * (a header typed in GraphiQL's header editor wins) and runs subscriptions
 * over graphql-ws with the key in the `connection_init` payload. The query
 * and variables can be preset with `?query=` and `?variables=`.
 */
export const PLAYGROUND_SCRIPT = `
(function () {
  'use strict';
  var script = document.currentScript;
  var graphqlPath = script.getAttribute('data-graphql-path');
  var keyStorage = script.getAttribute('data-key-storage');
  var endpoint = new URL(graphqlPath, window.location.href).href;
  var wsEndpoint = endpoint.replace(/^http/, 'ws');
  var keyInput = document.getElementById('phx-api-key');
  var keyStatus = document.getElementById('phx-key-status');
  var ws = null;
  var wsAuthorization = null;

  function storedKey() { return window.sessionStorage.getItem(keyStorage) || ''; }
  function showKeyStatus() { keyStatus.textContent = storedKey() ? 'key set' : 'no key: requests will be refused'; }
  keyInput.value = storedKey();
  showKeyStatus();
  keyInput.addEventListener('input', function () {
    window.sessionStorage.setItem(keyStorage, keyInput.value.trim());
    showKeyStatus();
  });
  document.getElementById('phx-key-bar').addEventListener('submit', function (event) { event.preventDefault(); });

  function authorizationFrom(headers) {
    for (var name in headers) {
      if (name.toLowerCase() === 'authorization' && headers[name]) return String(headers[name]);
    }
    var key = storedKey();
    return key ? 'Bearer ' + key : null;
  }
  function wsClient(authorization) {
    if (ws === null || wsAuthorization !== authorization) {
      if (ws !== null) ws.dispose();
      wsAuthorization = authorization;
      ws = graphqlWs.createClient({
        url: wsEndpoint,
        lazy: true,
        retryAttempts: 0,
        connectionParams: authorization ? { authorization: authorization } : {},
      });
    }
    return ws;
  }
  function operationType(documentAST, operationName) {
    var definitions = (documentAST && documentAST.definitions) || [];
    var operations = definitions.filter(function (d) { return d.kind === 'OperationDefinition'; });
    var chosen = operations.find(function (d) { return operationName && d.name && d.name.value === operationName; }) || operations[0];
    return chosen ? chosen.operation : 'query';
  }
  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    var authorization = authorizationFrom(headers);
    if (operationType(options && options.documentAST, params.operationName) === 'subscription') {
      return wsClient(authorization).iterate(params);
    }
    var sent = Object.assign({ 'content-type': 'application/json', accept: 'application/json' }, headers);
    if (authorization) sent.authorization = authorization;
    return fetch(endpoint, { method: 'POST', headers: sent, body: JSON.stringify(params) }).then(function (response) {
      return response.json();
    });
  }

  var search = new URLSearchParams(window.location.search);
  var props = { fetcher: fetcher, defaultEditorToolsVisibility: true, shouldPersistHeaders: false };
  if (search.has('query')) props.query = search.get('query');
  if (search.has('variables')) props.variables = search.get('variables');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
`;
