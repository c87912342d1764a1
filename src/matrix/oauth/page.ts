// The login and consent page of the authorisation endpoint: plain server-rendered HTML, no
// script. Every value from a client or a user is escaped.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LoginPage {
  serverName: string;
  clientName: string;
  clientUri: string;
  redirectHost: string;
  requestId: string;
  csrf: string;
  formAction: string;
  username?: string;
  error?: string;
}

const STYLE = 'body{font-family:sans-serif;max-width:26em;margin:3em auto;padding:0 1em}'
  + 'label,input,button{display:block;width:100%;margin:.4em 0}input,button{padding:.5em;box-sizing:border-box}'
  + '.err{color:#a00}.who{color:#555;font-size:.9em}';

export function loginPage(p: LoginPage): string {
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in to ${e(p.serverName)}</title><style>${STYLE}</style></head>
<body><main>
<h1>Sign in to ${e(p.serverName)}</h1>
<p><strong id="client-name">${e(p.clientName)}</strong> wants to use your Matrix account.</p>
<p class="who">Client: <span id="client-uri">${e(p.clientUri)}</span><br>Returns to: ${e(p.redirectHost)}</p>
${p.error ? `<p class="err" role="alert">${e(p.error)}</p>` : ''}
<form method="post" action="${e(p.formAction)}">
<input type="hidden" name="request" value="${e(p.requestId)}">
<input type="hidden" name="csrf" value="${e(p.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${e(p.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="action" value="allow">Sign in and allow</button>
</form>
<form method="post" action="${e(p.formAction)}">
<input type="hidden" name="request" value="${e(p.requestId)}">
<input type="hidden" name="csrf" value="${e(p.csrf)}">
<button type="submit" name="action" value="deny">Cancel</button>
</form>
</main></body></html>
`;
}

export function errorPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p class="err" role="alert">${escapeHtml(message)}</p></main></body></html>
`;
}
