"use strict";
// Select to cite: the text of a citation's source beside the entry's form; selecting a
// passage in it fills that citation's excerpt (and shows its offsets). The server still
// finds the excerpt in the source and computes the offsets on save: this only spares the
// copying. Without this script the pane stays hidden and the excerpt is pasted as before.
(function () {
    function ready(fn) {
        if (document.readyState === "loading") {
            document.addEventListener("DOMContentLoaded", fn);
        } else {
            fn();
        }
    }

    ready(function () {
        const pane = document.getElementById("source-pane");
        if (!pane) {
            return;
        }
        const prefix = pane.dataset.prefix;
        const textBox = document.getElementById("source-text");
        const status = document.getElementById("source-pane-status");
        const title = document.getElementById("source-pane-title");
        const bodies = new Map();
        let active = null;
        let shown = null;

        function rowOf(element) {
            const row = element && element.closest ? element.closest(".inline-related") : null;
            if (!row || !row.id.startsWith(prefix + "-") || row.id.endsWith("-empty")) {
                return null;
            }
            return row;
        }

        function rows() {
            return Array.from(document.querySelectorAll(".inline-related")).filter((row) => rowOf(row) === row);
        }

        function field(row, name) {
            return row.querySelector(`[name$="-${name}"]`);
        }

        function number(row) {
            return Number(row.id.slice(prefix.length + 1)) + 1;
        }

        function say(message) {
            status.textContent = message;
        }

        async function load(id) {
            if (!bodies.has(id)) {
                const address = `${pane.dataset.textUrl}?source=${encodeURIComponent(id)}`;
                const response = await fetch(address, {credentials: "same-origin", headers: {Accept: "application/json"}});
                if (!response.ok) {
                    throw new Error(`the text could not be loaded (${response.status})`);
                }
                bodies.set(id, await response.json());
            }
            return bodies.get(id);
        }

        async function activate(row) {
            active = row;
            rows().forEach((other) => other.classList.toggle("citing", other === row));
            const source = row ? field(row, "source") : null;
            const id = source ? source.value : "";
            if (!id) {
                shown = null;
                title.textContent = "Source text";
                textBox.textContent = "";
                say(row ? `Choose the source of citation ${number(row)}: its text appears here.` : "");
                return;
            }
            try {
                const source = await load(id);
                if (active !== row) {
                    return; // another row was chosen meanwhile
                }
                shown = source;
                title.textContent = `Source text: ${source.title}`;
                textBox.textContent = source.body;
                say(`Reliability ${source.reliability}. Select a passage to cite it in citation ${number(row)}.`);
            } catch (error) {
                say(`The source's text could not be shown: ${error.message}. Paste the passage instead.`);
            }
        }

        function cite() {
            const selection = window.getSelection();
            if (!active || !shown || !selection || selection.rangeCount === 0 || selection.isCollapsed) {
                return;
            }
            const range = selection.getRangeAt(0);
            if (!textBox.contains(range.startContainer) || !textBox.contains(range.endContainer)) {
                return;
            }
            const before = document.createRange();
            before.setStart(textBox, 0);
            before.setEnd(range.startContainer, range.startOffset);
            const body = shown.body;
            let start = before.toString().length;
            let end = start + range.toString().length;
            while (start < end && /\s/.test(body[start])) {
                start += 1;
            }
            while (end > start && /\s/.test(body[end - 1])) {
                end -= 1;
            }
            if (end <= start) {
                return;
            }
            const passage = body.slice(start, end);
            const excerpt = field(active, "excerpt");
            excerpt.value = passage;
            excerpt.dispatchEvent(new Event("input", {bubbles: true}));
            // The server anchors an excerpt at its first occurrence in the source.
            const first = body.indexOf(passage);
            if (first !== start) {
                [start, end] = [first, first + passage.length];
                say(`Citation ${number(active)}: this passage appears earlier in the text too; it will point at characters ${start}–${end}.`);
            } else {
                say(`Citation ${number(active)}: characters ${start}–${end} selected. Save to keep it.`);
            }
            for (const [name, value] of [["start", start], ["end", end]]) {
                // Side by side, each in a box of its own (their row has both classes).
                const shownOffset =
                    active.querySelector(`.fieldBox.field-${name} .readonly`) ||
                    active.querySelector(`.field-${name} .readonly`);
                if (shownOffset) {
                    shownOffset.textContent = String(value);
                }
            }
        }

        function changed(event) {
            const target = event.target;
            if (target && target.name && target.name.endsWith("-source")) {
                const row = rowOf(target);
                // A source chosen makes its row the one cited into; an emptied box in
                // another row (the autocomplete boxes start up) takes nothing away.
                if (row && (target.value || row === active)) {
                    activate(row);
                }
            }
        }

        pane.hidden = false;
        pane.closest(".evidence-workbench").classList.add("with-source");
        document.addEventListener("change", changed);
        // The admin's autocomplete boxes (select2) announce a choice with jQuery's events.
        if (window.django && window.django.jQuery) {
            window.django.jQuery(document).on("change", "select", changed);
        }
        document.addEventListener("focusin", (event) => {
            const row = rowOf(event.target);
            if (row && row !== active) {
                activate(row);
            }
        });
        document.addEventListener("formset:added", (event) => {
            const row = rowOf(event.target);
            if (row) {
                activate(row);
            }
        });
        document.addEventListener("selectionchange", cite);
        const all = rows();
        const waiting = all.find((row) => field(row, "source").value && !field(row, "excerpt").value);
        activate(waiting || all.find((row) => field(row, "source").value) || all[0] || null);
    });
})();
