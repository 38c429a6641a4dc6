// With side-by-side.css: Go and Rust side by side, listings without their common indentation,
// and listings wider than the text's column marked to widen.
(function () {
    "use strict";
    var main = document.querySelector("main");
    if (!main) {
        return;
    }

    // A paragraph that opens with `word` in bold: the label of a listing ("**Go**", "**Rust**").
    function label(element, word) {
        var first = element && element.tagName === "P" ? element.firstChild : null;
        return first !== null && first.nodeName === "STRONG" && first.textContent === word;
    }

    function listing(element) {
        return element !== null && element.tagName === "PRE";
    }

    // Each "Go" listing directly followed by a "Rust" one becomes a pair of columns.
    Array.prototype.forEach.call(main.querySelectorAll("p"), function (go) {
        var goCode = go.nextElementSibling;
        var rust = goCode && goCode.nextElementSibling;
        var rustCode = rust && rust.nextElementSibling;
        if (!(label(go, "Go") && listing(goCode) && label(rust, "Rust") && listing(rustCode))) {
            return;
        }
        var pair = document.createElement("div");
        pair.className = "side-by-side";
        go.parentNode.insertBefore(pair, go);
        [[go, goCode], [rust, rustCode]].forEach(function (side) {
            var column = document.createElement("div");
            column.className = "side";
            side.forEach(function (element) {
                column.appendChild(element);
            });
            pair.appendChild(column);
        });
    });

    // Rust included from inside a function keeps the function's indentation: take off what every
    // line has, so the listing starts at its left edge. Works on the highlighted text nodes.
    Array.prototype.forEach.call(main.querySelectorAll("pre code"), function (code) {
        var lines = code.textContent.split("\n").filter(function (line) {
            return line.trim() !== "";
        });
        var indent = Math.min.apply(null, lines.map(function (line) {
            return line.match(/^ */)[0].length;
        }));
        if (!(indent > 0 && indent < Infinity)) {
            return;
        }
        var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        var toDrop = indent; // spaces still to take off the current line
        for (var node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            var kept = "";
            var text = node.nodeValue;
            for (var i = 0; i < text.length; i++) {
                var c = text[i];
                if (c === "\n") {
                    toDrop = indent;
                    kept += c;
                } else if (c === " " && toDrop > 0) {
                    toDrop--;
                } else {
                    toDrop = 0;
                    kept += c;
                }
            }
            node.nodeValue = kept;
        }
    });

    // A listing or an output wider than the text's column gets room to widen (see the CSS).
    function markWide() {
        Array.prototype.forEach.call(main.querySelectorAll("pre"), function (pre) {
            if (pre.closest(".side-by-side")) {
                return;
            }
            var code = pre.querySelector("code") || pre;
            pre.classList.remove("wide");
            if (code.scrollWidth > code.clientWidth + 1) {
                var padding = pre.offsetWidth - code.clientWidth;
                pre.style.setProperty("--needed", code.scrollWidth + padding + "px");
                pre.classList.add("wide");
            }
        });
    }
    markWide();
    window.addEventListener("resize", markWide);
})();
