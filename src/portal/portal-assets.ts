/**
 * The portal's only script and stylesheet, served as files from /portal/assets so the
 * Content-Security-Policy can forbid inline script and style. Every page works without the script;
 * it only adds copy buttons.
 */
export const PORTAL_SCRIPT = `'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('button[data-copy]').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', function () {
      var text = source.textContent;
      var done = function (ok) {
        button.textContent = ok ? 'Copied' : 'Press Ctrl+C to copy';
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(selectText(source)); });
      } else {
        done(selectText(source));
      }
    });
  });
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { return document.execCommand('copy'); } catch (e) { return false; }
  }
});
`;

export const PORTAL_STYLES = `:root { --fg: #1d2330; --muted: #5f6b7a; --line: #dde2ea; --accent: #2f5bd3; --bg: #f6f7fa; --danger: #b3261e; --ok: #1e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 1.5rem; padding: .75rem 2rem; background: #fff; border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: .5rem; font-weight: 600; font-size: 1.1rem; color: var(--fg); text-decoration: none; }
nav { display: flex; gap: 1rem; flex: 1; }
nav a { color: var(--muted); text-decoration: none; padding: .25rem 0; }
nav a[aria-current="page"] { color: var(--accent); border-bottom: 2px solid var(--accent); }
.sign-out { display: flex; align-items: center; gap: .5rem; color: var(--muted); }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
footer { text-align: center; color: var(--muted); padding: 2rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
.card h2 { margin-top: 0; }
.status-active { border-left: 4px solid var(--ok); }
.status-frozen { border-left: 4px solid #c77c02; }
.status-suspended, .status-expired { border-left: 4px solid var(--danger); }
.denied, .error { color: var(--danger); }
.notice { background: #eef3ff; border: 1px solid #c9d7ff; padding: .5rem .75rem; border-radius: 6px; }
.muted, .hint { color: var(--muted); }
.tag { font-size: .8rem; background: #eef3ff; color: var(--accent); border-radius: 4px; padding: 0 .4rem; }
table { width: 100%; border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .9rem; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #1d2330; color: #e8ecf3; padding: .75rem 1rem; border-radius: 6px; overflow-x: auto; margin: 0; }
.copyable { position: relative; margin: .5rem 0 1rem; }
.copyable button { position: absolute; top: .4rem; right: .4rem; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type="password"], input[type="text"], input:not([type]), input[type="date"] { width: 100%; max-width: 32rem; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: .75rem; }
.copyable button, .sign-out button, td button { margin-top: 0; }
.sign-out button, .copyable button { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.readme { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.5rem; }
.readme img { max-width: 100%; }
`;
