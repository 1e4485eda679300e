// Progressive enhancement only: every page works without this file.
document.addEventListener('DOMContentLoaded', () => {
  // Move focus to the first error so keyboard and screen-reader users hear it first.
  const alert = document.querySelector('[role="alert"]');
  if (alert instanceof window.HTMLElement) {
    alert.setAttribute('tabindex', '-1');
    alert.focus();
  }
});
