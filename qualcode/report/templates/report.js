/* qualcode cross-case report: recomputes the heatmap for the chosen measure, level and filters,
   and shows the quotes behind any cell. User text is only ever inserted with textContent.
   format()/heatBin() must stay in step with format_value()/heat_bin() in qualcode/report.py. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("qc-data").textContent);
  var codes = data.codes, quotes = data.quotes, transcripts = data.transcripts, columns = data.columns;
  var UNITS = { segments: "segments", transcripts: "transcripts", participants: "participants", share: "of segments" };
  var PAGE = 100;
  var state = { measure: "segments", level: "top", filters: {}, order: "", direction: "asc" };
  var caseTable = data.cases_table, framework = data.framework;
  var panelSpec = null, panelOpener = null, panelShown = 0, panelList = [];

  // Each quote carries its codes and every code above them (a parent counts its children).
  quotes.forEach(function (q) {
    q.m = {};
    q.c.forEach(function (c) { for (var k = c; k !== -1; k = codes[k].parent) q.m[k] = true; });
    var t = transcripts[q.t];
    q.find = [q.x, q.s, t.id, t.p || "", t.case, t.role].concat(q.nt.map(function (n) { return n[1]; })).join("\n").toLowerCase();
  });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function format(value, measure) {
    if (measure !== "share") return String(value);
    if (value > 0 && value < 0.005) return "<1%";
    return Math.floor(value * 100 + 0.5) + "%";
  }

  function heatBin(value, peak) {
    if (value <= 0 || peak <= 0) return 0;
    return Math.max(1, Math.min(5, Math.ceil(value / peak * 5)));
  }

  function passes(t, useFilters) {
    if (!useFilters) return true;
    for (var name in state.filters) {
      if (state.filters[name] !== "" && t.f[name] !== state.filters[name]) return false;
    }
    return true;
  }

  function participant(q) {
    var t = transcripts[q.t];
    return t.p !== null ? "p:" + t.p : "s:" + t.id + "\u241f" + q.s;
  }

  // Quote indices behind a cell: code (with its sub-codes; -1: any), column (-1: all), optional
  // 2nd code, optional search words (every word must occur, case-insensitive).
  function cellQuotes(spec) {
    var out = [], words = (spec.q || "").toLowerCase().split(/\s+/).filter(Boolean);
    quotes.forEach(function (q, i) {
      var t = transcripts[q.t];
      if (spec.code !== -1 && !q.m[spec.code]) return;
      if (spec.code2 !== undefined && !q.m[spec.code2]) return;
      for (var w = 0; w < words.length; w++) if (q.find.indexOf(words[w]) === -1) return;
      if (spec.col !== -1 && t.col !== spec.col) return;
      if (!passes(t, !spec.plain)) return;
      out.push(i);
    });
    return out;
  }

  function rowCodes() {
    return state.level === "top" ? data.top : codes.map(function (_c, i) { return i; });
  }

  // values[code][col] for col in 0..columns.length (the last one is "all cases").
  function computeMatrix() {
    var ncol = columns.length, rows = rowCodes(), measure = state.measure;
    var sets = {}, denominators = [];
    for (var c = 0; c <= ncol; c++) denominators.push(0);
    transcripts.forEach(function (t) {
      if (!passes(t, true)) return;
      denominators[t.col] += t.n;
      denominators[ncol] += t.n;
    });
    rows.forEach(function (code) {
      sets[code] = [];
      for (var c = 0; c <= ncol; c++) sets[code].push({});
    });
    quotes.forEach(function (q, i) {
      var t = transcripts[q.t];
      if (!passes(t, true)) return;
      var key = measure === "transcripts" ? q.t : measure === "participants" ? participant(q) : i;
      rows.forEach(function (code) {
        if (!q.m[code]) return;
        sets[code][t.col][key] = true;
        sets[code][ncol][key] = true;
      });
    });
    var values = {};
    rows.forEach(function (code) {
      values[code] = sets[code].map(function (set, col) {
        var n = Object.keys(set).length;
        if (measure !== "share") return n;
        return denominators[col] ? n / denominators[col] : 0;
      });
    });
    return { rows: rows, values: values };
  }

  // The case columns in the chosen order: by a case attribute (numbers numerically, text
  // naturally, missing last also when descending, ties by case name), else the page's order.
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function columnOrder() {
    var order = columns.map(function (_c, i) { return i; }), name = state.order;
    if (!name) return order;
    var numeric = caseTable.numeric.indexOf(name) !== -1, sign = state.direction === "desc" ? -1 : 1;
    function value(col) {
      var row = caseTable.rows[columns[col]], cell = row ? row[name] : null;
      return cell && cell.value !== null && cell.value !== undefined ? cell.value : null;
    }
    return order.sort(function (a, b) {
      var va = value(a), vb = value(b);
      if (va === null || vb === null) {
        if (va === null && vb === null) return collator.compare(columns[a], columns[b]);
        return va === null ? 1 : -1;
      }
      var diff = numeric ? Number(va) - Number(vb) : collator.compare(String(va), String(vb));
      return diff !== 0 ? sign * diff : collator.compare(columns[a], columns[b]);
    });
  }

  function filterText() {
    var parts = [];
    for (var name in state.filters) if (state.filters[name] !== "") parts.push(name + ": " + state.filters[name]);
    return parts.join(", ");
  }

  function renderMatrix() {
    var result = computeMatrix(), ncol = columns.length, measure = state.measure, peak = 0;
    result.rows.forEach(function (code) {
      for (var c = 0; c < ncol; c++) peak = Math.max(peak, result.values[code][c]);
    });
    var body = document.createElement("tbody"), order = columnOrder().concat([ncol]);
    var head = el("tr"), corner = el("th", "corner", "Theme");
    corner.setAttribute("scope", "col");
    head.appendChild(corner);
    order.forEach(function (col) {
      var th = el("th", col === ncol ? "total" : null, col === ncol ? "All cases" : columns[col]);
      th.setAttribute("scope", "col");
      head.appendChild(th);
    });
    var thead = document.getElementById("matrix").tHead;
    thead.replaceChild(head, thead.rows[0]);
    result.rows.forEach(function (code) {
      var info = codes[code], tr = el("tr"), th = el("th", "d" + info.depth), link = el("a", null, info.label);
      tr.setAttribute("data-code-id", info.id);
      th.setAttribute("scope", "row");
      link.setAttribute("href", "#code-" + info.id);
      th.appendChild(link);
      info.memos.forEach(function (m) {
        var memo = el("a", "memo-link", "memo");
        memo.setAttribute("href", "#" + data.memos[m].a);
        memo.title = "Memo: " + data.memos[m].t;
        th.appendChild(document.createTextNode(" "));
        th.appendChild(memo);
      });
      tr.appendChild(th);
      order.forEach(function (col) {
        var value = result.values[code][col];
        var total = col === ncol, td = el("td", total ? "total" : "h" + heatBin(value, peak));
        var button = el("button", null, format(value, measure));
        var where = total ? "all cases" : columns[col];
        button.type = "button";
        button.setAttribute("data-code", String(code));
        button.setAttribute("data-col", String(total ? -1 : col));
        var unit = value === 1 && measure !== "share" ? UNITS[measure].replace(/s$/, "") : UNITS[measure];
        button.setAttribute("aria-label", info.label + " in " + where + ": " + format(value, measure) + " " + unit);
        td.appendChild(button);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var table = document.getElementById("matrix");
    table.replaceChild(body, table.tBodies[0]);
    document.getElementById("legend-peak").textContent = format(peak, measure);
    document.getElementById("matrix-measure").textContent = data.measures[measure].toLowerCase();
    var filters = filterText();
    document.getElementById("matrix-filter").textContent = filters ? " (" + filters + ")" : "";
    document.querySelectorAll(".measure-notes [data-measure]").forEach(function (p) {
      p.hidden = p.getAttribute("data-measure") !== measure;
    });
    if (panelSpec && !panelSpec.plain) {
      panelOpener = findButton(panelSpec.code, panelSpec.col) || panelOpener;
      showQuotes(panelSpec, panelOpener, false);
    }
    renderFramework();
  }

  // --- The framework matrix: case attributes on top, a summary (or the count) per cell ------------

  function spans(parent, items) {
    items.forEach(function (item) {
      var tag = item[0] === "b" ? "strong" : item[0] === "i" ? "em" : item[0] === "c" ? "code" : null;
      parent.appendChild(tag ? el(tag, null, item[1]) : document.createTextNode(item[1]));
    });
  }

  function markdown(blocks) {
    var box = el("div", "fw-summary");
    blocks.forEach(function (block) {
      if (block.kind === "ul") {
        var list = el("ul");
        block.items.forEach(function (item) { var li = el("li"); spans(li, item); list.appendChild(li); });
        box.appendChild(list);
        return;
      }
      var node = el(block.kind === "h" ? "h4" : "p");
      spans(node, block.spans);
      box.appendChild(node);
    });
    return box;
  }

  function renderFramework() {
    var table = document.getElementById("framework");
    if (!table) return;
    var order = columnOrder(), head = el("tr"), corner = el("th", "corner", "Theme"), body = document.createElement("tbody");
    corner.setAttribute("scope", "col");
    head.appendChild(corner);
    order.forEach(function (col) {
      var th = el("th", null, columns[col]);
      th.setAttribute("scope", "col");
      head.appendChild(th);
    });
    table.tHead.replaceChild(head, table.tHead.rows[0]);
    caseTable.attributes.forEach(function (name) {
      var tr = el("tr", "context"), th = el("th", null, name.replace(/_/g, " "));
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      order.forEach(function (col) {
        var row = caseTable.rows[columns[col]];
        tr.appendChild(el("td", null, row && row[name] ? row[name].text : ""));
      });
      body.appendChild(tr);
    });
    rowCodes().forEach(function (code) {
      var info = codes[code], tr = el("tr"), th = el("th", "d" + info.depth, info.label);
      tr.setAttribute("data-code-id", info.id);
      th.setAttribute("scope", "row");
      tr.appendChild(th);
      order.forEach(function (col) {
        var td = el("td"), button = el("button", "fw-cell"), cell = framework[col + " " + code];
        var n = cellQuotes({ code: code, col: col, plain: true }).length, count = n + (n === 1 ? " quote" : " quotes");
        button.type = "button";
        button.setAttribute("data-code", String(code));
        button.setAttribute("data-col", String(col));
        button.setAttribute("data-plain", "");
        button.setAttribute("data-framework", "");
        if (cell) {
          button.appendChild(markdown(cell.b));
          var meta = el("span", "fw-count", count + (cell.a ? " · " + cell.a : ""));
          button.appendChild(meta);
          if (cell.st) {
            var stale = el("span", "badge stale", "stale");
            stale.title = "The cell's quotes changed since this summary was written";
            button.appendChild(stale);
          }
          button.setAttribute("aria-label", info.label + " in " + columns[col] + ": summary, " + count + (cell.st ? ", stale" : ""));
        } else {
          button.appendChild(el("span", "fw-count", count));
          button.setAttribute("aria-label", info.label + " in " + columns[col] + ": " + count + ", no summary");
        }
        td.appendChild(button);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.replaceChild(body, table.tBodies[0]);
  }

  function findButton(code, col) {
    return document.querySelector('#matrix button[data-code="' + code + '"][data-col="' + col + '"]');
  }

  // --- Quotes ----------------------------------------------------------------------------------

  function highlighted(text, evidence) {
    var fragment = document.createDocumentFragment(), spans = evidence.slice().sort(function (a, b) { return a[0] - b[0]; });
    var cursor = 0;
    spans.forEach(function (span) {
      var start = Math.max(span[0], cursor), end = span[1];
      if (end <= start) return;
      if (start > cursor) fragment.appendChild(document.createTextNode(text.slice(cursor, start)));
      var mark = el("mark", null, text.slice(start, end));
      mark.title = "Evidence for the suggestion “" + codes[span[2]].label + "” (" + span[3] + ")";
      fragment.appendChild(mark);
      cursor = end;
    });
    if (cursor < text.length) fragment.appendChild(document.createTextNode(text.slice(cursor)));
    return fragment;
  }

  function quoteCard(index) {
    var q = quotes[index], t = transcripts[q.t], li = el("li", "quote"), quote = el("blockquote");
    li.setAttribute("data-quote", String(index));
    quote.appendChild(highlighted(q.x, q.e));
    li.appendChild(quote);
    var meta = el("div", "meta");
    meta.appendChild(el("span", "speaker", q.s || "Unnamed speaker"));
    if (t.p !== null && t.p !== q.s) meta.appendChild(el("span", "q-participant", "participant " + t.p));
    if (q.tm) {
      var clock = el("span", "q-time", q.tm);
      clock.title = "Time in the recording (h:mm:ss)";
      meta.appendChild(clock);
    }
    if (t.role) meta.appendChild(el("span", "q-role", t.role));
    meta.appendChild(el("span", "q-case", t.case));
    meta.appendChild(el("span", "q-transcript", t.id));
    if (panelSpec && panelSpec.cited && panelSpec.cited.indexOf(index) !== -1) {
      li.className += " cited";
      meta.appendChild(el("span", "badge cited", "cited"));
    }
    if (q.k.length) meta.appendChild(el("span", "q-coders", "coded by " + q.k.map(function (k) { return data.coders[k]; }).join(", ")));
    li.appendChild(meta);
    var chips = el("ul", "chips");
    chips.setAttribute("aria-label", "Codes");
    q.c.forEach(function (code) {
      var chip = el("li", "chip", codes[code].label);
      chip.style.setProperty("--chip", codes[code].color);
      if (q.g.indexOf(code) !== -1) {
        chip.className += " suggested";
        chip.title = "Suggested by qualcode, not applied by a coder";
      }
      chips.appendChild(chip);
    });
    li.appendChild(chips);
    if (q.nt.length) {
      var notes = el("ul", "notes");
      notes.setAttribute("aria-label", "Coding notes");
      q.nt.forEach(function (n) {
        var note = el("li", "note");
        note.appendChild(el("span", "note-by", n[0] + ": "));
        note.appendChild(el("span", "note-text", n[1]));
        notes.appendChild(note);
      });
      li.appendChild(notes);
    }
    return li;
  }

  function showMore() {
    var list = document.getElementById("panel-quotes"), end = Math.min(panelList.length, panelShown + PAGE);
    for (var i = panelShown; i < end; i++) list.appendChild(quoteCard(panelList[i]));
    panelShown = end;
    var more = document.getElementById("panel-more");
    more.hidden = panelShown >= panelList.length;
    more.textContent = "Show more quotes (" + (panelList.length - panelShown) + " left)";
  }

  function showQuotes(spec, opener, focus) {
    var panel = document.getElementById("panel");
    panelSpec = spec;
    panelOpener = opener;
    panelList = cellQuotes(spec);
    if (spec.cited && spec.cited.length) {
      var cited = spec.cited.filter(function (i) { return panelList.indexOf(i) !== -1; });
      panelList = cited.concat(panelList.filter(function (i) { return cited.indexOf(i) === -1; }));
    }
    panelShown = 0;
    document.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
    if (opener && opener.closest("#matrix")) opener.parentNode.classList.add("selected");
    var title = spec.code === -1 ? "All coded quotes" : codes[spec.code].label;
    if (spec.code2 !== undefined && spec.code2 !== spec.code) title += " + " + codes[spec.code2].label;
    title += " · " + (spec.col === -1 ? "all cases" : columns[spec.col]);
    if (spec.q) title += " · “" + spec.q + "”";
    var filters = spec.plain ? "" : filterText();
    if (filters) title += " · " + filters;
    document.getElementById("panel-title").textContent = title;
    var fromTranscripts = {};
    panelList.forEach(function (i) { fromTranscripts[quotes[i].t] = true; });
    var n = panelList.length, m = Object.keys(fromTranscripts).length;
    var status = n === 0 ? "No quotes." : n + (n === 1 ? " quote" : " quotes") + " from " + m + (m === 1 ? " transcript" : " transcripts") + ".";
    document.getElementById("panel-status").textContent = status;
    document.getElementById("panel-quotes").textContent = "";
    document.getElementById("panel-tool-status").textContent = "";
    var copyText = document.getElementById("panel-copy-text");
    copyText.hidden = true;
    copyText.value = "";
    var search = document.getElementById("panel-search");
    if (search.value !== (spec.q || "")) search.value = spec.q || "";
    showMore();
    // The panel lies over the page and never moves it: on the side away from the clicked cell.
    var box = opener && opener.getBoundingClientRect ? opener.getBoundingClientRect() : null;
    var width = Math.min(34 * 16, window.innerWidth * 0.94);
    panel.classList.toggle("left", !!box && box.right > window.innerWidth - width && box.left >= width);
    panel.hidden = false;
    document.body.classList.add("panel-open");
    document.getElementById("live").textContent = title + ": " + status;
    if (focus) document.getElementById("panel-title").focus({ preventScroll: true });
  }

  function closePanel() {
    document.getElementById("panel").hidden = true;
    document.body.classList.remove("panel-open");
    document.querySelectorAll("td.selected").forEach(function (td) { td.classList.remove("selected"); });
    panelSpec = null;
    if (panelOpener && document.body.contains(panelOpener)) panelOpener.focus();
  }

  // --- Events ----------------------------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-code]");
    if (!button) return;
    var spec = {
      code: Number(button.getAttribute("data-code")),
      col: Number(button.getAttribute("data-col")),
      plain: button.hasAttribute("data-plain")
    };
    if (button.hasAttribute("data-code2")) spec.code2 = Number(button.getAttribute("data-code2"));
    if (button.hasAttribute("data-framework")) {
      var cell = framework[spec.col + " " + spec.code];
      spec.cited = cell ? cell.ct : [];
    }
    showQuotes(spec, button, true);
  });

  // --- Search, copy and CSV of the open quotes -------------------------------------------------

  document.getElementById("quote-search").addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var text = event.target.value.trim();
    if (text) showQuotes({ code: -1, col: -1, plain: false, q: text }, event.target, true);
  });
  document.getElementById("panel-search").addEventListener("input", function (event) {
    if (!panelSpec) return;
    var spec = {}, value = event.target.value.trim();
    for (var key in panelSpec) spec[key] = panelSpec[key];
    spec.q = value;
    showQuotes(spec, panelOpener, false);
  });

  function panelRows() {
    return panelList.map(function (i) {
      var q = quotes[i], t = transcripts[q.t];
      return {
        transcript: t.id, participant: t.p || "", speaker: q.s, case: t.case, role: t.role, time: q.tm || "",
        codes: q.c.map(function (c) { return codes[c].label; }).join("; "),
        quote: q.x,
        notes: q.nt.map(function (n) { return n[0] + ": " + n[1]; }).join("; ")
      };
    });
  }

  var CSV_COLUMNS = ["transcript", "participant", "speaker", "case", "role", "time", "codes", "quote", "notes"];

  // As qualcode's CSV exports: a cell starting with = + - @ tab or CR is prefixed with ' so a
  // spreadsheet shows it as text instead of running it (plain negative numbers stay numbers).
  function safeCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text) && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) text = "'" + text;
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function panelCsv() {
    var lines = [CSV_COLUMNS.map(safeCell).join(",")];
    panelRows().forEach(function (row) {
      lines.push(CSV_COLUMNS.map(function (c) { return safeCell(row[c]); }).join(","));
    });
    return lines.join("\n") + "\n";
  }

  function panelText() {
    return panelRows().map(function (row) {
      var who = [row.speaker, row.participant && row.participant !== row.speaker ? "participant " + row.participant : "", row.role, row.case, row.transcript].filter(Boolean).join(" · ");
      return "“" + row.quote + "”\n— " + who + (row.codes ? "\nCodes: " + row.codes : "") + (row.notes ? "\nNotes: " + row.notes : "");
    }).join("\n\n") + "\n";
  }

  function copied(ok) {
    var n = panelList.length;
    document.getElementById("panel-tool-status").textContent = ok
      ? "Copied " + n + (n === 1 ? " quote." : " quotes.")
      : "Copying is blocked here: the quotes are selected below; press Ctrl+C (⌘C).";
  }

  document.getElementById("panel-copy").addEventListener("click", function () {
    var text = panelText(), area = document.getElementById("panel-copy-text");
    function fallback() {
      area.value = text;
      area.hidden = false;
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      if (ok) area.hidden = true;
      copied(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { copied(true); }, fallback);
    } else {
      fallback();
    }
  });

  document.getElementById("panel-csv").addEventListener("click", function (event) {
    var link = event.currentTarget;
    if (link.href && link.href.indexOf("blob:") === 0) URL.revokeObjectURL(link.href);
    var name = document.getElementById("panel-title").textContent.replace(/[^\w\u00C0-\u024F-]+/g, "-").replace(/^-+|-+$/g, "");
    link.download = (name || "quotes").slice(0, 80) + ".csv";
    // A byte-order mark so that Excel reads the file as UTF-8.
    link.href = URL.createObjectURL(new Blob(["\ufeff" + panelCsv()], { type: "text/csv;charset=utf-8" }));
    document.getElementById("panel-tool-status").textContent = "Saved " + panelList.length + " quotes as " + link.download + ".";
  });

  document.getElementById("panel-close").addEventListener("click", closePanel);
  document.getElementById("panel-more").addEventListener("click", showMore);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !document.getElementById("panel").hidden) closePanel();
  });

  document.getElementById("matrix").addEventListener("keydown", function (event) {
    var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    var move = moves[event.key], button = event.target.closest("td button");
    if (!move || !button) return;
    var td = button.parentNode, tr = td.parentNode, rows = Array.prototype.slice.call(tr.parentNode.rows);
    var row = rows.indexOf(tr) + move[0], cell = td.cellIndex + move[1];
    if (row < 0 || row >= rows.length || cell < 1 || cell >= rows[row].cells.length) return;
    var target = rows[row].cells[cell].querySelector("button");
    if (target) { event.preventDefault(); target.focus(); }
  });

  document.querySelectorAll('input[name="measure"], input[name="level"]').forEach(function (input) {
    input.addEventListener("change", function () {
      state[input.name] = input.value;
      renderMatrix();
    });
  });
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    select.addEventListener("change", function () {
      state.filters[select.getAttribute("data-filter")] = select.value;
      renderMatrix();
    });
  });

  // Every "order cases by" control (the matrix's and the framework's) sets one order.
  function syncOrder() {
    document.querySelectorAll("select[data-order]").forEach(function (s) { s.value = state.order; });
    document.querySelectorAll("select[data-direction]").forEach(function (s) { s.value = state.direction; });
  }
  document.querySelectorAll("select[data-order], select[data-direction]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.hasAttribute("data-order")) state.order = select.value;
      else state.direction = select.value;
      syncOrder();
      renderMatrix();
    });
  });

  // Exemplar quotes on the code pages refer to the same embedded quotes.
  document.querySelectorAll("ol.exemplars[data-quotes]").forEach(function (list) {
    list.getAttribute("data-quotes").split(" ").forEach(function (i) {
      if (i !== "") list.appendChild(quoteCard(Number(i)));
    });
  });

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  // Reflect controls restored by the browser (back/forward cache) before the first render.
  document.querySelectorAll('input[name="measure"]:checked, input[name="level"]:checked').forEach(function (input) {
    state[input.name] = input.value;
  });
  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    state.filters[select.getAttribute("data-filter")] = select.value;
  });
  var restored = document.querySelector("select[data-order]"), way = document.querySelector("select[data-direction]");
  if (restored) state.order = restored.value;
  if (way) state.direction = way.value;
  syncOrder();
  renderMatrix();
})();
