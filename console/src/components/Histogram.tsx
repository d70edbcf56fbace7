import { binLabel, layoutBars, scoreX, type Bin, type Series } from '../lib/histogram';

export interface Threshold {
  label: string;
  value: number;
  muted?: boolean;
}

interface Props<B extends Bin> {
  title: string;
  bins: readonly B[];
  series: readonly (Series<B> & { color: string })[];
  thresholds?: readonly Threshold[];
}

const W = 640;
const H = 220;
const PAD = { left: 8, right: 8, top: 30, bottom: 34 };

/**
 * Bars per bin (one per series), thresholds as dashed lines. The same numbers are in a table
 * under the chart for screen readers and for anyone who prefers to read them.
 */
export function Histogram<B extends Bin>({ title, bins, series, thresholds = [] }: Props<B>) {
  const box = { width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom };
  const bars = layoutBars(bins, series, box);
  const color = new Map(series.map((s) => [s.key, s.color]));
  const labelEvery = Math.max(1, Math.ceil(bins.length / 10));
  if (bins.length === 0) return <p class="muted">No scores yet.</p>;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        <g transform={`translate(${PAD.left},${PAD.top})`}>
          {bars.map((b) => (
            <rect
              key={`${b.series}-${b.binIndex}`}
              x={b.x}
              y={b.y}
              width={b.width}
              height={b.height}
              fill={color.get(b.series)}
            >
              <title>{`${binLabel(bins[b.binIndex]!)}: ${b.value}`}</title>
            </rect>
          ))}
          {bars.length <= 60 &&
            bars.map((b) =>
              b.value > 0 ? (
                <text
                  key={`v-${b.series}-${b.binIndex}`}
                  x={b.x + b.width / 2}
                  y={b.y - 3}
                  class="tick"
                  text-anchor="middle"
                >
                  {b.value}
                </text>
              ) : null,
            )}
          <line x1={0} x2={box.width} y1={box.height} y2={box.height} class="axis" />
          {bins.map((bin, i) =>
            i % labelEvery === 0 ? (
              <text
                key={i}
                x={(i + 0.5) * (box.width / bins.length)}
                y={box.height + 14}
                class="tick"
                text-anchor="middle"
              >
                {binLabel(bin)}
              </text>
            ) : null,
          )}
          {thresholds.map((t) => {
            const x = scoreX(t.value, bins, box.width);
            return x === undefined ? null : (
              <g key={t.label} class={t.muted ? 'threshold muted' : 'threshold'}>
                <line x1={x} x2={x} y1={-14} y2={box.height} />
                <text x={x + 3} y={-17}>
                  {t.label}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption>
        <span class="legend">
          {series.map((s) => (
            <span key={s.key}>
              <i style={{ background: s.color }} aria-hidden="true" /> {s.label}
            </span>
          ))}
          {thresholds.length > 0 && <span>┆ trigger thresholds</span>}
        </span>
        <details>
          <summary>Show as a table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Scores</th>
                {series.map((s) => (
                  <th scope="col" key={s.key}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {bins.map((bin, i) => (
                <tr key={i}>
                  <th scope="row">{binLabel(bin)}</th>
                  {series.map((s) => (
                    <td key={s.key}>{s.value(bin)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
