/** The sign-in page until the web app exists: a form that posts JSON to /api/auth/login. */
export const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Arbor — sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit;box-sizing:border-box}
button{margin-top:1rem;padding:.4rem 1.2rem;font:inherit}#error{color:#b00;min-height:1.5em}</style></head>
<body><h1>Arbor</h1><form id="f"><label for="u">Username</label><input id="u" name="username" autocomplete="username" required>
<label for="p">Password</label><input id="p" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button><p id="error" role="alert"></p></form>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: e.target.username.value, password: e.target.password.value }) });
  if (res.ok) { location.href = '/api/docs'; return; }
  const problem = await res.json().catch(() => ({}));
  document.getElementById('error').textContent = problem.detail || ('sign-in failed (' + res.status + ')');
});
</script></body></html>`;
