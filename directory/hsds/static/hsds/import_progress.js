// The staff import pages: while the server checks or applies a package (a large one takes a minute), show
// how many rows are done. The form carries where to ask (data-progress-url) and its words (data-rows-word);
// the answer is {"stage", "done", "total"} (hsds/import_views.py, import_progress).
"use strict";
for (const form of document.querySelectorAll("form[data-progress-url]")) {
  form.addEventListener("submit", () => {
    const box = form.parentElement.querySelector(".import-progress");
    if (!box) return;
    const bar = box.querySelector("progress");
    const words = box.querySelector("span");
    box.hidden = false;
    const ask = async () => {
      try {
        const answer = await fetch(form.dataset.progressUrl, { credentials: "same-origin", cache: "no-store" });
        const state = await answer.json();
        if (state.total > 0) {
          bar.max = state.total;
          bar.value = state.done;
          words.textContent = `${state.stage}: ${state.done.toLocaleString()} / ${state.total.toLocaleString()} ${form.dataset.rowsWord}`;
        }
      } catch (error) {
        // The page is being replaced by the answer, or the server is busy: ask again next time.
      }
    };
    setTimeout(ask, 200);
    setInterval(ask, 600);
  });
}
