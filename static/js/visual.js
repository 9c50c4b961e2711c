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
    "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"
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
    var sectors = kind === "lattice" ? {} : null;
    var maxWeight = 1;
    data.edges.forEach(function (edge) { maxWeight = Math.max(maxWeight, edge.weight); });
    var elements = data.nodes.map(function (node) {
      return {
        group: "nodes",
        data: {
          id: node.id, label: node.label, name: node.name, url: node.url,
          colour: nodeColour(node, sectors), kind: node.kind,
          size: kind === "lattice" ? 14 + 4 * Math.sqrt(node.members || 0)
            : node.tier === 0 ? 56 : node.kind === "network" ? 40 : 28
        }
      };
    }).concat(data.edges.map(function (edge) {
      return {
        group: "edges",
        data: {
          id: edge.id, source: edge.source, target: edge.target,
          arrow: kind === "lattice" && edge.kind === "member" ? "yes" : "no",
          width: kind === "lattice" ? 1 + (6 * edge.weight) / maxWeight : 1.5
        }
      };
    }));
    var layout;
    if (kind === "network-graph" && data.vertical) {
      layout = { name: "preset", positions: tieredPositions(data.nodes), fit: true, padding: 30 };
    } else if (kind === "lattice") {
      layout = { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000, numIter: 600 };
    } else {
      layout = {
        name: "concentric", animate: false, minNodeSpacing: 12,
        concentric: function (node) { return 10 - (data.nodes[node.data("index")] || {}).tier; },
        levelWidth: function () { return 1; }
      };
      data.nodes.forEach(function (node, index) { elements[index].data.index = index; });
    }
    var cy = cytoscape({
      container: canvas,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)", label: "data(label)", width: "data(size)",
            height: "data(size)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3,
            color: "#1b1f24", "text-background-color": "#ffffff", "text-background-opacity": 0.8,
            "text-background-padding": 1
          }
        },
        { selector: "node[kind = 'network']", style: { shape: "round-rectangle" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#d35400" } },
        {
          selector: "edge",
          style: { width: "data(width)", "line-color": "#9aa5b1", "curve-style": "bezier", opacity: 0.7 }
        },
        {
          selector: "edge[arrow = 'yes']",
          style: { "target-arrow-shape": "triangle", "target-arrow-color": "#9aa5b1" }
        }
      ],
      layout: layout
    });
    cy.on("tap", "node", function (event) {
      window.location.href = event.target.data("url");
    });

    // Keyboard: focus the graph, arrows move between nodes, Enter opens the page.
    var announce = liveRegion(figure);
    var order = cy.nodes().sort(function (a, b) { return a.data("name").localeCompare(b.data("name")); });
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
        window.location.href = order[current].data("url");
      }
    });
    legend(figure, data.nodes, sectors);
    figure.cy = cy;
    downloadLink(figure, text(figure, "png-label", "PNG"), figure.id + ".png", function () {
      return cy.png({ full: true, output: "blob", bg: "#ffffff", scale: 2 });
    });
  }

  // The colours' key, built from the nodes drawn.
  function legend(figure, nodes, sectors) {
    var seen = {};
    var list = document.createElement("ul");
    list.className = "legend";
    nodes.forEach(function (node) {
      var key = node.kind === "institution" ? "b-" + node.branch : sectors ? "s-" + node.sector : "network";
      if (seen[key]) return;
      seen[key] = true;
      var item = document.createElement("li");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.backgroundColor = nodeColour(node, sectors);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(
        node.kind === "institution" ? node.branch_label : sectors ? node.sector_label : text(figure, "network-label", "network")
      ));
      list.appendChild(item);
    });
    figure.querySelector(".graph-canvas").after(list);
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
      var colour = d3.scaleSequential([0, max], d3.interpolateBlues);
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
          return row ? colour(0.25 * max + 0.75 * row.count) : "#d0d7de";
        })
        .append("title")
        .text(function (feature) {
          var row = byNumeric[feature.id];
          return row ? row.name + ": " + row.count + " " + label : feature.properties.name;
        });
      downloadLink(figure, text(figure, "svg-label", "SVG"), figure.id + ".svg", function () {
        return svgBlob(svg.node());
      });
    });
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
