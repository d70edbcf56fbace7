interface Props {
  label: string;
  percent: number;
  text: string;
}

export function ProgressBar({ label, percent, text }: Props) {
  return (
    <div class="progress-wrap">
      <div
        class="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p aria-live="polite">
        <strong>{percent}%</strong> {text}
      </p>
    </div>
  );
}
