// The warning before the server signs a person out (WCAG 2.2.1, Timing Adjustable).
//
// The page says how many seconds the session had left when the server rendered it; this
// script counts them down on the browser's monotonic clock, never comparing the browser's
// clock with the server's. Before warning it asks the server again (a background request
// that does not extend the session), in case the person has been active in another tab.
// Without JavaScript nothing here runs and the server's time-out simply applies.

const dialog = document.getElementById("session-timeout");
if (dialog && typeof dialog.showModal === "function") {
  watch(dialog);
}

function watch(dialog) {
  const warningMs = Number(dialog.dataset.warningSeconds) * 1000;
  const extendForm = dialog.querySelector("[data-session-timeout-extend]");
  const countdown = dialog.querySelector("[data-session-timeout-countdown]");
  const announcement = dialog.querySelector("[data-session-timeout-announcement]");
  const idleText = dialog.querySelector("[data-session-timeout-idle]");
  const finalText = dialog.querySelector("[data-session-timeout-final]");
  let deadline = 0;
  let timer = null;
  let ticker = null;
  let spoken = "";
  let returnFocusTo = null;

  const msRemaining = () => deadline - performance.now();

  function startCountdown(seconds) {
    deadline = performance.now() + seconds * 1000;
    clearTimeout(timer);
    if (seconds <= 0) {
      signedOut();
    } else if (msRemaining() > warningMs) {
      hide();
      timer = setTimeout(check, msRemaining() - warningMs);
    } else {
      show();
      timer = setTimeout(check, msRemaining() + 500);
    }
  }

  async function ask(url, options) {
    const response = await fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      ...options,
      headers: { Accept: "application/json", ...(options && options.headers) },
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return (await response.json()).seconds_remaining;
  }

  async function check() {
    try {
      startCountdown(await ask(dialog.dataset.statusUrl));
    } catch {
      // The server could not be asked: trust the countdown the page started with.
      startCountdown(Math.max(0, Math.ceil(msRemaining() / 1000)));
    }
  }

  async function staySignedIn(event) {
    event.preventDefault();
    try {
      const seconds = await ask(extendForm.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(extendForm)),
      });
      if (seconds * 1000 <= warningMs && seconds > 0) {
        // Only the longest session allowed is left: say so, and offer no more time.
        idleText.hidden = true;
        finalText.hidden = false;
        extendForm.hidden = true;
      }
      startCountdown(seconds);
    } catch {
      extendForm.submit();
    }
  }

  function show() {
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      spoken = inWords(roundedForSpeech(secondsLeft()));
      render();
      dialog.showModal();
      ticker = setInterval(render, 1000);
    }
  }

  function hide() {
    clearInterval(ticker);
    if (dialog.open) {
      dialog.close();
      if (returnFocusTo && returnFocusTo.focus) returnFocusTo.focus();
    }
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil(msRemaining() / 1000));
  }

  function render() {
    const seconds = secondsLeft();
    countdown.textContent = inWords(seconds);
    const words = inWords(roundedForSpeech(seconds));
    if (words !== spoken) {
      spoken = words;
      announcement.textContent = `We will sign you out in ${words}.`;
    }
  }

  function signedOut() {
    const here = window.location.pathname + window.location.search;
    window.location.assign(`${dialog.dataset.loginUrl}?next=${encodeURIComponent(here)}`);
  }

  extendForm.addEventListener("submit", staySignedIn);
  dialog.addEventListener("cancel", (event) => {
    // Escape means "stay signed in", not "ignore the warning".
    event.preventDefault();
    extendForm.requestSubmit();
  });
  document.addEventListener("visibilitychange", () => {
    // Timers in a hidden tab may fire late: look again when the person comes back.
    if (document.visibilityState === "visible" && msRemaining() <= warningMs) check();
  });
  startCountdown(Number(dialog.dataset.secondsRemaining));
}

// Announce whole minutes, then every 15 seconds, so a screen reader is not talked over.
function roundedForSpeech(seconds) {
  if (seconds > 60) return Math.ceil(seconds / 60) * 60;
  return Math.ceil(seconds / 15) * 15;
}

function inWords(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}
