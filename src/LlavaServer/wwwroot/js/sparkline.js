// Small SVG line plots of the recent past: the newest sample at the right edge.
const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 120;
const HEIGHT = 32;

/**
 * @param {SVGSVGElement} svg
 * @param {{values: number[], className: string}[]} series
 * @param {number} capacity samples across the full width
 * @param {number} floor the smallest top of the scale, so an idle server does not plot noise full-height
 * @param {string} label what the plot shows now, for screen readers
 */
export function drawSparkline(svg, series, capacity, floor, label) {
  const top = Math.max(floor, ...series.flatMap(line => line.values));
  const step = WIDTH / (capacity - 1);
  const lines = series.filter(line => line.values.length > 0).map(line => {
    const offset = capacity - line.values.length;
    const points = line.values.map((value, i) => `${((offset + i) * step).toFixed(1)},${(HEIGHT - 1 - (value / top) * (HEIGHT - 2)).toFixed(1)}`);
    const polyline = document.createElementNS(SVG_NS, 'polyline');
    polyline.setAttribute('points', points.join(' '));
    polyline.setAttribute('class', line.className);
    return polyline;
  });
  svg.replaceChildren(...lines);
  svg.setAttribute('aria-label', label);
}
