// Lattice charts: graphs (Cytoscape.js), maps and timelines (d3). Each chart enhances a
// <figure data-chart> whose table is the accessible, no-JavaScript content; the data
// comes from a <script type="application/json"> block beside it. Styles are set through
// the CSSOM only (the Content-Security-Policy forbids style attributes and elements).
(function () {
  "use strict";

  var BRANCH_COLOURS = {
    executive: "#1f77b4",
    regulator: "#2ca02c",
    central_bank: "#d62728",
    judiciary: "#9467bd",
    legislature: "#8c564b",
    law_enforcement: "#e377c2",
    international_organisation: "#7f7f7f"
  };
  var NETWORK_COLOUR = "#12263f";
  var SECTOR_COLOURS = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#0e6655", "#a04000", "#1a5276", "#7d6608", "#4a235a", "#566573"
  ];

  function readData(figure) {
    var block = document.getElementById(figure.getAttribute("data-source"));
    return block ? JSON.parse(block.textContent) : null;
  }

  function text(figure, key, fallback) {
    return figure.getAttribute("data-" + key) || fallback;
  }

  function downloadLink(figure, label, filename, makeBlob) {
    var paragraph = figure.querySelector(".downloads");
    if (!paragraph) {
      paragraph = document.createElement("p");
      paragraph.className = "downloads";
      figure.appendChild(paragraph);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = label;
    button.addEventListener("click", function () {
      var url = URL.createObjectURL(makeBlob());
      var anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = filename;
      document.body.appendChild(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
    if (paragraph.childNodes.length) paragraph.appendChild(document.createTextNode(" · "));
    paragraph.appendChild(button);
  }

  function svgBlob(svg) {
    var source = new XMLSerializer().serializeToString(svg);
    return new Blob([source], { type: "image/svg+xml" });
  }

  function liveRegion(figure) {
    var region = document.createElement("p");
    region.className = "visually-hidden";
    region.setAttribute("aria-live", "polite");
    figure.appendChild(region);
    return region;
  }


  // A chart's key, as HTML after its canvas (read by screen readers, kept in print):
  // entries are [label, swatch class, swatch colour].
  function key(figure, entries, canvas, heading) {
    var box = document.createElement("div");
    box.className = "chart-legend";
    var title = document.createElement("p");
    title.className = "legend-title";
    title.id = figure.id + "-legend";
    title.textContent = heading || text(figure, "legend-label", "Key");
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "legend";
    list.setAttribute("aria-labelledby", title.id);
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + (entry[1] || "");
      if (entry[2]) swatch.style.backgroundColor = entry[2];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry[0]));
      list.appendChild(item);
    });
    box.appendChild(list);
    canvas.after(box);
  }

  // --- Graphs ---------------------------------------------------------------------------

  function nodeColour(node, sectors) {
    if (node.kind === "institution") {
      return BRANCH_COLOURS[node.branch] || "#7f7f7f";
    }
    if (sectors) {
      if (!(node.sector in sectors)) {
        sectors[node.sector] = SECTOR_COLOURS[Object.keys(sectors).length % SECTOR_COLOURS.length];
      }
      return sectors[node.sector];
    }
    return NETWORK_COLOUR;
  }

  // Tiers as rows: the network on top for vertical networks, supranational bodies
  // under it and above their national counterparts.
  function tieredPositions(nodes) {
    var rows = {};
    nodes.forEach(function (node) {
      (rows[node.tier] = rows[node.tier] || []).push(node);
    });
    var positions = {};
    // Long tiers wrap onto several lines, so that 50 national courts stay legible.
    var perLine = 12, y = 0;
    Object.keys(rows).sort().forEach(function (tier) {
      var row = rows[tier];
      for (var start = 0; start < row.length; start += perLine) {
        var line = row.slice(start, start + perLine);
        line.forEach(function (node, index) {
          positions[node.id] = { x: (index - (line.length - 1) / 2) * 90, y: y + (index % 2) * 24 };
        });
        y += 90;
      }
      y += 60;
    });
    return positions;
  }

  // Items on concentric rings around the first, `gap` apart on a ring and between rings:
  // no two nodes overlap, whatever their number. Returns offsets and the outer radius.
  function rings(count, gap) {
    var offsets = count ? [{ x: 0, y: 0 }] : [], ring = 0, radius = 0;
    while (offsets.length < count) {
      ring += 1;
      radius = ring * gap;
      var fits = Math.max(1, Math.floor((2 * Math.PI * radius) / gap));
      var n = Math.min(fits, count - offsets.length);
      for (var i = 0; i < n; i++) {
        var angle = -Math.PI / 2 + (2 * Math.PI * i) / n + (ring % 2 ? 0 : Math.PI / n);
        offsets.push({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
      }
    }
    return { offsets: offsets, radius: radius };
  }

  // The lattice clustered by sector: each sector's networks on rings, the most members
  // at the centre; the sectors, largest first, packed in rows as wide as the canvas's
  // shape asks for.
  function clusterPositions(nodes, gap, aspect) {
    var bySector = {}, order = [];
    nodes.forEach(function (node) {
      if (!bySector[node.sector]) { bySector[node.sector] = []; order.push(node.sector); }
      bySector[node.sector].push(node);
    });
    var clusters = order.map(function (sector) {
      var members = bySector[sector].slice().sort(function (a, b) {
        return (b.members || 0) - (a.members || 0) || a.label.localeCompare(b.label);
      });
      var placed = rings(members.length, gap);
      return { nodes: members, offsets: placed.offsets, size: 2 * placed.radius + 2 * gap };
    }).sort(function (a, b) { return b.nodes.length - a.nodes.length; });
    var area = clusters.reduce(function (sum, c) { return sum + c.size * c.size; }, 0);
    var width = Math.max(clusters.length ? clusters[0].size : 0, Math.sqrt(area * aspect));
    var positions = {}, rows = [], row = null;
    clusters.forEach(function (cluster) {
      if (!row || row.width + cluster.size > width) {
        row = { clusters: [], width: 0, height: 0 };
        rows.push(row);
      }
      row.clusters.push(cluster);
      row.width += cluster.size;
      row.height = Math.max(row.height, cluster.size);
    });
    var y = 0;
    rows.forEach(function (line) {
      var x = (width - line.width) / 2;
      line.clusters.forEach(function (cluster) {
        var cx = x + cluster.size / 2, cy = y + line.height / 2;
        cluster.nodes.forEach(function (node, index) {
          positions[node.id] = { x: cx + cluster.offsets[index].x, y: cy + cluster.offsets[index].y };
        });
        x += cluster.size;
      });
      y += line.height;
    });
    return positions;
  }

  // One network at the centre, its neighbours around it: the most shared members nearest.
  function focusPositions(nodes, focusId, weights, gap) {
    var others = nodes.filter(function (node) { return node.id !== focusId; });
    others.sort(function (a, b) {
      return (weights[b.id] || 0) - (weights[a.id] || 0) || a.label.localeCompare(b.label);
    });
    var placed = rings(others.length + 1, gap), positions = {};
    positions[focusId] = placed.offsets[0];
    others.forEach(function (node, index) { positions[node.id] = placed.offsets[index + 1]; });
    return positions;
  }

  function shortLabel(label) {
    return label.length > 28 ? label.slice(0, 27).trim() + "…" : label;
  }

  // --- Labels that never overlap -------------------------------------------------------
  // Labels keep one size on screen (LABEL_PX) whatever the zoom. After each zoom, the
  // labels are placed one by one, most important first, below, above, right or left
  // of their node, wherever they overlap no label placed before and no other node; a
  // label that fits nowhere is left out until the reader zooms in (or hovers the node).
  // A last pass measures the labels as Cytoscape drew them and drops any that overlap.

  var LABEL_PX = 13, LABEL_GAP = 3;
  var measure = null;

  function textWidth(label, font, bold) {
    measure = measure || document.createElement("canvas").getContext("2d");
    measure.font = (bold ? "bold " : "") + LABEL_PX + "px " + font;
    return measure.measureText(label).width;
  }

  function overlaps(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  function free(box, boxes) {
    for (var i = 0; i < boxes.length; i++) {
      if (overlaps(box, boxes[i])) return false;
    }
    return true;
  }

  function grow(box, by) {
    return { x1: box.x1 - by, y1: box.y1 - by, x2: box.x2 + by, y2: box.y2 + by };
  }

  var PLACES = {
    bottom: { valign: "bottom", halign: "center" },
    top: { valign: "top", halign: "center" },
    right: { valign: "center", halign: "right" },
    left: { valign: "center", halign: "left" }
  };

  function candidateBoxes(body, width, height, parent) {
    var cx = (body.x1 + body.x2) / 2, cy = (body.y1 + body.y2) / 2, g = LABEL_GAP;
    if (parent) {
      // A sector's name above its box: centred, or flush with either side of it.
      var y1 = body.y1 - g - height, y2 = body.y1 - g;
      return {
        top: { x1: cx - width / 2, x2: cx + width / 2, y1: y1, y2: y2 },
        start: { x1: body.x1, x2: body.x1 + width, y1: y1, y2: y2, shift: body.x1 + width / 2 - cx },
        end: { x1: body.x2 - width, x2: body.x2, y1: y1, y2: y2, shift: body.x2 - width / 2 - cx }
      };
    }
    return {
      bottom: { x1: cx - width / 2, x2: cx + width / 2, y1: body.y2 + g, y2: body.y2 + g + height },
      top: { x1: cx - width / 2, x2: cx + width / 2, y1: body.y1 - g - height, y2: body.y1 - g },
      right: { x1: body.x2 + g, x2: body.x2 + g + width, y1: cy - height / 2, y2: cy + height / 2 },
      left: { x1: body.x1 - g - width, x2: body.x1 - g, y1: cy - height / 2, y2: cy + height / 2 }
    };
  }

  function placeLabels(cy, font, rank) {
    var zoom = cy.zoom();
    var nodes = cy.nodes().filter(function (n) { return n.visible(); });
    var bodies = {};
    nodes.forEach(function (n) {
      bodies[n.id()] = n.renderedBoundingBox({ includeLabels: false, includeOverlays: false });
    });
    var ordered = nodes.toArray().sort(rank);
    var obstacles = nodes.filter(function (n) { return !n.isParent(); }).map(function (n) {
      return { id: n.id(), box: bodies[n.id()] };
    });
    var sectorBoxes = nodes.filter(function (n) { return n.isParent(); }).map(function (n) {
      var box = bodies[n.id()];
      return { id: n.id(), box: { x1: box.x1, x2: box.x2, y1: box.y1 - LABEL_PX * 1.3 - 6 - LABEL_GAP, y2: box.y2 } };
    });
    var taken = [], chosen = {}, shifts = {};
    // A label must be whole on the canvas: a cut name misleads ("ommittee").
    var view = { x1: 0, y1: 0, x2: cy.width(), y2: cy.height() };
    var inside = function (box) {
      return box.x1 >= view.x1 && box.y1 >= view.y1 && box.x2 <= view.x2 && box.y2 <= view.y2;
    };
    ordered.forEach(function (n) {
      var id = n.id();
      // (Sector names are bold; a few pixels spare for Cytoscape's own padding.)
      var width = textWidth(n.data("label"), font, n.isParent()) + 10, height = LABEL_PX * 1.3 + 6;
      var boxes = candidateBoxes(bodies[id], width, height, n.isParent());
      Object.keys(boxes).some(function (place) {
        var box = boxes[place];
        if (!inside(box) || !free(box, taken)) return false;
        // The node in focus (the lattice's, a graph's centre) may cover other nodes.
        var clear = n.data("focus") === "yes" || obstacles.every(function (m) {
          return m.id === id || !overlaps(box, m.box);
        });
        // A sector's name never sits over another sector's box, nor where its name goes.
        if (clear && n.isParent()) {
          clear = sectorBoxes.every(function (m) { return m.id === id || !overlaps(box, m.box); });
        }
        if (!clear) return false;
        taken.push(box);
        chosen[n.id()] = place;
        if (box.shift) shifts[n.id()] = box.shift;
        return true;
      });
    });
    cy.batch(function () {
      nodes.forEach(function (n) {
        var place = chosen[n.id()];
        var style = { "font-size": LABEL_PX / zoom, "text-background-padding": 2 / zoom };
        if (place && !n.isParent()) {
          var spot = PLACES[place];
          style["text-valign"] = spot.valign;
          style["text-halign"] = spot.halign;
          style["text-margin-y"] = (spot.valign === "bottom" ? 1 : spot.valign === "top" ? -1 : 0) * LABEL_GAP / zoom;
          style["text-margin-x"] = (spot.halign === "right" ? 1 : spot.halign === "left" ? -1 : 0) * LABEL_GAP / zoom;
        }
        if (n.isParent()) style["text-margin-x"] = (shifts[n.id()] || 0) / zoom;
        n.style(style);
        n.toggleClass("labelled", !!place);
      });
    });
    // Cytoscape's own measure of what it draws: drop whatever still overlaps.
    var kept = [];
    ordered.forEach(function (n) {
      if (!n.hasClass("labelled")) return;
      var box = n.renderedBoundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false });
      if (inside(box) && free(grow(box, 1), kept)) kept.push(grow(box, 1));
      else n.removeClass("labelled");
    });
  }

  function drawGraph(figure, kind) {
    if (typeof cytoscape === "undefined") return;
    var data = readData(figure);
    if (!data || !data.nodes.length) return;
    var canvas = figure.querySelector(".graph-canvas");
    canvas.hidden = false;
    figure.classList.add("chart-drawn");
    // Cytoscape adds a <style> element unless one with this id exists; the rule it
    // would add is in visual.css.
    if (!document.getElementById("__________cytoscape_stylesheet")) {
      var marker = document.createElement("meta");
      marker.id = "__________cytoscape_stylesheet";
      document.head.appendChild(marker);
    }
    var lattice = kind === "lattice";
    var sectors = lattice ? {} : null;
    var nodes = data.nodes, edges = data.edges;
    var focusId = lattice ? figure.getAttribute("data-focus") : null;
    var weights = {};
    if (focusId) {
      // Only the network and its neighbours, linked as in the whole lattice.
      var keep = {};
      keep[focusId] = true;
      edges.forEach(function (edge) {
        var other = edge.source === focusId ? edge.target : edge.target === focusId ? edge.source : null;
        if (other) {
          keep[other] = true;
          weights[other] = Math.max(weights[other] || 0, edge.kind === "overlap" ? edge.weight : 0);
        }
      });
      nodes = nodes.filter(function (node) { return keep[node.id]; });
      edges = edges.filter(function (edge) { return keep[edge.source] && keep[edge.target]; });
    }
    // Sector colours in the order of the sectors' size, so that the largest get the
    // most distinct colours.
    if (sectors) {
      var counts = {};
      nodes.forEach(function (node) { counts[node.sector] = (counts[node.sector] || 0) + 1; });
      Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); })
        .forEach(function (sector) { nodeColour({ kind: "network", sector: sector }, sectors); });
    }
    var maxWeight = 1;
    edges.forEach(function (edge) { maxWeight = Math.max(maxWeight, edge.weight); });
    var clustered = lattice && !focusId;
    var elements = [];
    if (clustered) {
      var seen = {};
      nodes.forEach(function (node) {
        if (seen[node.sector]) return;
        seen[node.sector] = true;
        elements.push({
          group: "nodes",
          data: { id: "sector-" + node.sector, label: node.sector_label, name: node.sector_label, kind: "sector", colour: sectors[node.sector] }
        });
      });
    }
    var maxSize = 0;
    elements = elements.concat(nodes.map(function (node) {
      var size = lattice ? 14 + 4 * Math.sqrt(node.members || 0)
        : node.tier === 0 ? 56 : node.kind === "network" ? 40 : 28;
      maxSize = Math.max(maxSize, size);
      var item = {
        group: "nodes",
        data: {
          id: node.id, label: shortLabel(node.label), name: node.name, url: node.url,
          colour: nodeColour(node, sectors), kind: node.kind, size: size,
          members: node.members || 0,
          focus: node.id === focusId || (!lattice && node.tier === 0) ? "yes" : "no"
        }
      };
      if (clustered) item.data.parent = "sector-" + node.sector;
      return item;
    })).concat(edges.map(function (edge) {
      var touchesFocus = edge.source === focusId || edge.target === focusId;
      return {
        group: "edges",
        data: {
          id: edge.id, source: edge.source, target: edge.target,
          arrow: lattice && edge.kind === "member" ? "yes" : "no",
          width: lattice ? 1 + (6 * edge.weight) / maxWeight : 1.5,
          faint: focusId && !touchesFocus ? "yes" : "no"
        }
      };
    }));
    var gap = Math.max(100, maxSize + 50);
    var aspect = canvas.clientWidth / Math.max(1, canvas.clientHeight);
    var layout;
    if (kind === "network-graph" && data.vertical) {
      layout = { name: "preset", positions: tieredPositions(nodes), fit: true, padding: 30 };
    } else if (lattice) {
      layout = {
        name: "preset", fit: true, padding: 40,
        positions: focusId ? focusPositions(nodes, focusId, weights, gap * 1.3) : clusterPositions(nodes, gap, aspect)
      };
    } else {
      layout = {
        name: "concentric", animate: false, minNodeSpacing: 12,
        concentric: function (node) { return 10 - (data.nodes[node.data("index")] || {}).tier; },
        levelWidth: function () { return 1; }
      };
      data.nodes.forEach(function (node, index) { elements[index].data.index = index; });
    }
    var font = window.getComputedStyle(canvas).fontFamily || "sans-serif";
    var cy = cytoscape({
      container: canvas,
      elements: elements,
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 4,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)", width: "data(size)", height: "data(size)",
            "font-size": LABEL_PX, "font-family": font, color: "#1b1f24",
            "text-background-color": "#ffffff", "text-background-opacity": 0.9,
            "text-background-shape": "round-rectangle", "text-events": "no"
          }
        },
        { selector: "node.labelled, node.hovered, node:selected", style: { label: "data(label)", "z-index": 10 } },
        { selector: "node[kind = 'network']", style: { shape: "round-rectangle" } },
        {
          selector: "node[kind = 'sector']",
          style: {
            shape: "round-rectangle", "background-opacity": 0.07, "border-width": 1,
            "border-color": "data(colour)", "border-opacity": 0.5, padding: 8,
            // A box the size of its networks, not of the names shown: it stays put
            // while names come and go with the zoom.
            "compound-sizing-wrt-labels": "exclude",
            "text-valign": "top", "text-halign": "center", "font-weight": "bold",
            "text-background-opacity": 0.9
          }
        },
        { selector: "node[focus = 'yes']", style: { "border-width": 4, "border-color": "#1b1f24" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#d35400" } },
        {
          selector: "edge",
          style: { width: "data(width)", "line-color": "#9aa5b1", "curve-style": "bezier", opacity: lattice && !focusId ? 0.45 : 0.7 }
        },
        { selector: "edge[faint = 'yes']", style: { opacity: 0.15 } },
        {
          selector: "edge[arrow = 'yes']",
          style: { "target-arrow-shape": "triangle", "target-arrow-color": "#9aa5b1" }
        },
        { selector: ".faded", style: { opacity: 0.12 } },
        { selector: "edge.near", style: { opacity: 0.9, "line-color": "#5f6b76", "target-arrow-color": "#5f6b76" } }
      ],
      layout: layout
    });
    // Most important label first: sector names, the focus, then the most members.
    var rank = function (a, b) {
      return (b.isParent() - a.isParent()) ||
        (b.children().length - a.children().length) ||
        ((b.data("focus") === "yes") - (a.data("focus") === "yes")) ||
        (kind !== "lattice" ? (a.data("index") || 0) - (b.data("index") || 0) : 0) ||
        (b.data("members") - a.data("members")) ||
        String(a.data("label")).localeCompare(String(b.data("label")));
    };
    var pending = false;
    function relabel() {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        placeLabels(cy, font, rank);
      });
    }
    placeLabels(cy, font, rank);
    cy.on("zoom pan resize", relabel);

    var open = function (node) {
      if (node.data("kind") === "sector") return;
      if (lattice && node.data("focus") !== "yes") {
        window.location.href = figure.getAttribute("data-focus-url") + node.id().replace(/^n-/, "");
      } else {
        window.location.href = node.data("url");
      }
    };
    cy.on("tap", "node", function (event) { open(event.target); });
    // Hovering a network names it and brings out its links.
    cy.on("mouseover", "node", function (event) {
      var node = event.target;
      if (node.isParent()) return;
      node.addClass("hovered");
      if (lattice) {
        var near = node.closedNeighborhood();
        cy.elements().not(near).not(node.ancestors()).addClass("faded");
        near.edges().addClass("near");
      }
    });
    cy.on("mouseout", "node", function () {
      cy.elements().removeClass("hovered faded near");
    });

    // Keyboard: focus the graph, arrows move between nodes, Enter opens the page (in
    // the lattice: focuses on the network; on the network focused: opens its page).
    var announce = liveRegion(figure);
    var order = cy.nodes().filter(function (n) { return !n.isParent(); })
      .sort(function (a, b) { return a.data("name").localeCompare(b.data("name")); });
    var current = -1;
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "group");
    canvas.setAttribute("aria-roledescription", text(figure, "roledescription", "graph"));
    canvas.setAttribute("aria-labelledby", figure.getAttribute("aria-labelledby"));
    canvas.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step) {
        event.preventDefault();
        current = (current + step + order.length) % order.length;
        cy.nodes().unselect();
        var node = order[current];
        node.select();
        announce.textContent = node.data("name");
      } else if (event.key === "Enter" && current >= 0) {
        open(order[current]);
      } else if (event.key === "+" || event.key === "-") {
        zoomBy(cy, event.key === "+" ? 1.4 : 1 / 1.4);
      }
    });
    if (lattice) zoomButtons(figure, cy);
    legend(figure, nodes, sectors, edges);
    figure.cy = cy;
    downloadLink(figure, text(figure, "png-label", "PNG"), figure.id + ".png", function () {
      return cy.png({ full: true, output: "blob", bg: "#ffffff", scale: 2 });
    });
  }

  function zoomBy(cy, factor) {
    cy.zoom({
      level: Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor)),
      renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 }
    });
  }

  function zoomButtons(figure, cy) {
    var bar = document.createElement("div");
    bar.className = "graph-tools";
    [["zoom-in-label", "Zoom in", "+", function () { zoomBy(cy, 1.4); }],
     ["zoom-out-label", "Zoom out", "−", function () { zoomBy(cy, 1 / 1.4); }],
     ["fit-label", "Show all", null, function () { cy.fit(undefined, 40); }]].forEach(function (tool) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "graph-tool";
      var name = text(figure, tool[0], tool[1]);
      button.textContent = tool[2] || name;
      if (tool[2]) button.setAttribute("aria-label", name);
      button.addEventListener("click", tool[3]);
      bar.appendChild(button);
    });
    var note = figure.getAttribute("data-labels-note");
    if (note) {
      var hint = document.createElement("span");
      hint.className = "graph-hint";
      hint.textContent = note;
      bar.appendChild(hint);
    }
    figure.querySelector(".graph-canvas").before(bar);
  }

  // The key: colours, sizes, lines and shapes, built from what is drawn.
  function legend(figure, nodes, sectors, edges) {
    var seen = {}, entries = [];
    var sorted = nodes.slice();
    if (sectors) {
      var order = Object.keys(sectors);
      sorted.sort(function (a, b) { return order.indexOf(a.sector) - order.indexOf(b.sector); });
    }
    sorted.forEach(function (node) {
      var id = node.kind === "institution" ? "b-" + node.branch : sectors ? "s-" + node.sector : "network";
      if (seen[id]) return;
      seen[id] = true;
      entries.push([
        node.kind === "institution" ? node.branch_label : sectors ? node.sector_label : text(figure, "network-label", "network"),
        node.kind === "network" ? "swatch-square" : "swatch-round",
        nodeColour(node, sectors)
      ]);
    });
    if (sectors) {
      entries.push([text(figure, "size-label", "Size: number of member institutions"), "swatch-sizes"]);
      if (edges.some(function (e) { return e.kind === "overlap"; })) {
        entries.push([text(figure, "width-label", "Line: the thicker, the more members in common"), "swatch-line"]);
      }
      if (edges.some(function (e) { return e.kind === "member"; })) {
        entries.push([text(figure, "arrow-label", "Arrow: a member of the network it points to"), "swatch-arrow"]);
      }
    }
    key(figure, entries, figure.querySelector(".graph-canvas"));
  }

  // --- Maps ----------------------------------------------------------------------------

  var worldPromise = null;

  function world() {
    var script = document.getElementById("visual-script");
    worldPromise = worldPromise || d3.json(script.getAttribute("data-world"));
    return worldPromise;
  }

  function drawMap(figure) {
    if (typeof d3 === "undefined" || typeof topojson === "undefined") return;
    var rows = readData(figure);
    if (!rows) return;
    var byNumeric = {};
    var max = 1;
    rows.forEach(function (row) {
      if (row.numeric) byNumeric[row.numeric] = row;
      max = Math.max(max, row.count);
    });
    var label = text(figure, "count-label", "members");
    world().then(function (topology) {
      var canvas = figure.querySelector(".map-canvas");
      canvas.hidden = false;
      figure.classList.add("chart-drawn");
      var width = 960, height = 480;
      var countries = topojson.feature(topology, topology.objects.countries);
      var projection = d3.geoNaturalEarth1().fitSize([width, height], countries);
      var path = d3.geoPath(projection);
      var classes = mapClasses(max);
      var colour = function (count) {
        for (var i = 0; i < classes.length; i++) {
          if (count <= classes[i].high) return classes[i].colour;
        }
        return classes[classes.length - 1].colour;
      };
      var svg = d3.select(canvas).append("svg")
        .attr("xmlns", "http://www.w3.org/2000/svg")
        .attr("viewBox", "0 0 " + width + " " + height)
        .attr("role", "group")
        .attr("aria-labelledby", figure.getAttribute("aria-labelledby"));
      svg.append("rect").attr("width", width).attr("height", height).attr("fill", "#ffffff");
      var groups = svg.append("g").selectAll("g").data(countries.features).join(function (enter) {
        return enter.append(function (feature) {
          var ns = "http://www.w3.org/2000/svg";
          return document.createElementNS(ns, byNumeric[feature.id] ? "a" : "g");
        });
      });
      groups.filter(function (feature) { return byNumeric[feature.id]; })
        .attr("href", function (feature) { return byNumeric[feature.id].url; })
        .attr("class", "map-member")
        .attr("data-area", function (feature) { return byNumeric[feature.id].code; })
        .attr("aria-label", function (feature) {
          var row = byNumeric[feature.id];
          return row.name + ": " + row.count + " " + label;
        });
      groups.append("path")
        .attr("d", path)
        .attr("stroke", "#ffffff")
        .attr("stroke-width", 0.5)
        .attr("fill", function (feature) {
          var row = byNumeric[feature.id];
          return row ? colour(row.count) : NO_MEMBER;
        })
        .append("title")
        .text(function (feature) {
          var row = byNumeric[feature.id];
          return row ? row.name + ": " + row.count + " " + label : feature.properties.name;
        });
      mapLegend(figure, classes, label);
      downloadLink(figure, text(figure, "svg-label", "SVG"), figure.id + ".svg", function () {
        return svgBlob(svg.node());
      });
    });
  }

  var NO_MEMBER = "#d0d7de";

  // At most five shades, each for a range of counts (one count each when there are
  // five or fewer): a shade the key can name, which a continuous scale cannot.
  function mapClasses(max) {
    var count = Math.min(5, max), classes = [];
    var shades = d3.schemeBlues[count + 2].slice(2);
    for (var i = 0; i < count; i++) {
      var low = Math.floor((i * max) / count) + 1, high = Math.floor(((i + 1) * max) / count);
      classes.push({ low: low, high: high, colour: shades[i] });
    }
    return classes;
  }

  function mapLegend(figure, classes, label) {
    key(figure, classes.map(function (c) {
      return [c.low === c.high ? String(c.low) : c.low + "–" + c.high, "", c.colour];
    }).concat([[text(figure, "none-label", "none"), "", NO_MEMBER]]), figure.querySelector(".map-canvas"),
    text(figure, "scale-label", label));
  }

  // --- Timelines -----------------------------------------------------------------------

  function drawTimeline(figure) {
    if (typeof d3 === "undefined") return;
    var points = readData(figure);
    if (!points || !points.length) return;
    var canvas = figure.querySelector(".timeline-canvas");
    canvas.hidden = false;
    figure.classList.add("chart-drawn");
    var width = 720, height = 260, margin = { top: 16, right: 16, bottom: 28, left: 40 };
    var x = d3.scaleLinear()
      .domain(d3.extent(points, function (p) { return p.year; }))
      .range([margin.left, width - margin.right]);
    // Members whose start is unknown are drawn apart (dashed, on top of the others),
    // never folded into the recorded history.
    function upper(p) { return p.members + (p.unknown_start || 0); }
    var y = d3.scaleLinear()
      .domain([0, d3.max(points, upper) || 1]).nice()
      .range([height - margin.bottom, margin.top]);
    var svg = d3.select(canvas).append("svg")
      .attr("xmlns", "http://www.w3.org/2000/svg")
      .attr("viewBox", "0 0 " + width + " " + height)
      .attr("role", "img")
      .attr("aria-labelledby", figure.getAttribute("aria-labelledby"));
    svg.append("rect").attr("width", width).attr("height", height).attr("fill", "#ffffff");
    svg.append("g").attr("transform", "translate(0," + (height - margin.bottom) + ")")
      .call(d3.axisBottom(x).ticks(Math.min(points.length, 10)).tickFormat(d3.format("d")));
    svg.append("g").attr("transform", "translate(" + margin.left + ",0)")
      .call(d3.axisLeft(y).ticks(5).tickFormat(d3.format("d")));
    if (points.some(function (p) { return p.unknown_start; })) {
      svg.append("path").datum(points)
        .attr("class", "timeline-unknown")
        .attr("fill", "none").attr("stroke", "#5f6b76").attr("stroke-width", 1.5)
        .attr("stroke-dasharray", "4 3")
        .attr("d", d3.line().curve(d3.curveStepAfter)
          .x(function (p) { return x(p.year); }).y(function (p) { return y(upper(p)); }));
    }
    svg.append("path").datum(points)
      .attr("fill", "none").attr("stroke", "#0b55a3").attr("stroke-width", 2)
      .attr("d", d3.line().curve(d3.curveStepAfter)
        .x(function (p) { return x(p.year); }).y(function (p) { return y(p.members); }));
    timelineLegend(figure, points.some(function (p) { return p.unknown_start; }));
    svg.append("g").selectAll("circle")
      .data(points.filter(function (p) { return p.joined_count || p.left_count; }))
      .join("circle")
      .attr("class", "timeline-point")
      .attr("cx", function (p) { return x(p.year); })
      .attr("cy", function (p) { return y(p.members); })
      .attr("r", 4)
      .attr("fill", function (p) { return p.left_count ? "#9b1c1c" : "#0b55a3"; })
      .append("title")
      .text(function (p) {
        var unknown = p.unknown_start
          ? " + " + p.unknown_start + " " + text(figure, "unknown-label", "start unknown")
          : "";
        return p.year + ": " + p.members + unknown +
          " (+" + p.joined_count + " / −" + p.left_count + ")";
      });
    downloadLink(figure, text(figure, "svg-label", "SVG"), figure.id + ".svg", function () {
      return svgBlob(svg.node());
    });
  }

  function timelineLegend(figure, unknown) {
    key(figure, [
      [text(figure, "solid-label", "members whose start date is recorded"), "swatch-solid"],
      unknown ? [text(figure, "dashed-label", "with those whose start is unknown"), "swatch-dashed"] : null,
      [text(figure, "joined-label", "a year members joined"), "swatch-joined"],
      [text(figure, "left-label", "a year members left"), "swatch-left"]
    ].filter(Boolean), figure.querySelector(".timeline-canvas"));
  }

  var DRAW = {
    "network-graph": drawGraph,
    "ego-graph": drawGraph,
    lattice: drawGraph,
    "member-map": drawMap,
    "jurisdiction-map": drawMap,
    timeline: drawTimeline
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
      var kind = figure.getAttribute("data-chart");
      if (DRAW[kind]) DRAW[kind](figure, kind);
    });
  });
})();
