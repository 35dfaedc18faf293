import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartLine {
  label: string;
  x: number[];
  y: number[];
}

const COLORS = ['#1c5fd1', '#d1491c', '#17733a', '#8a2be2', '#b8860b', '#008b8b', '#c71585', '#555', '#2e8b57', '#ff8c00'];

/** Lines on one x axis as uPlot wants them: the union of x values, each line null where it has no point. */
function aligned(lines: ChartLine[]): uPlot.AlignedData {
  if (lines.length === 1) return [lines[0]!.x, lines[0]!.y];
  const xs = [...new Set(lines.flatMap((l) => l.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  return [
    xs,
    ...lines.map((l) => {
      const ys: Array<number | null> = new Array<number | null>(xs.length).fill(null);
      l.x.forEach((x, i) => (ys[index.get(x)!] = l.y[i]!));
      return ys;
    }),
  ];
}

/**
 * One uPlot chart of one or more series (redrawn in place when the data changes),
 * as wide as its container: it follows the card's width as the window changes, so
 * a chart never spills out of its card (`width` is the first guess before layout).
 */
export function MetricChart({ title, lines, width = 420 }: { title: string; lines: ChartLine[]; width?: number }) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = lines.map((l) => l.label).join('\u0000');
  useEffect(() => {
    const options: uPlot.Options = {
      title,
      width,
      height: 220,
      scales: { x: { time: false } },
      series: [{ label: 'step' }, ...lines.map((l, i) => ({ label: l.label, stroke: COLORS[i % COLORS.length]!, width: 1.5, spanGaps: true }))],
    };
    const element = container.current!;
    const fit = (): number => Math.max(120, Math.floor(element.clientWidth || width));
    plot.current = new uPlot({ ...options, width: fit() }, aligned(lines), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: fit(), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, [shape, title, width]);
  useEffect(() => plot.current?.setData(aligned(lines)), [lines]);
  return <div class="chart" data-metric={title} ref={container} />;
}
