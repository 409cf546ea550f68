// A numbered section of the configurator, reachable from the step list by its anchor.
export const STEPS = [
  { id: "arch", title: "Architecture" },
  { id: "boot", title: "Boot" },
  { id: "kernel", title: "Kernel" },
  { id: "drivers", title: "Drivers" },
  { id: "ports", title: "Ports" },
  { id: "units", title: "Systemd units" },
  { id: "system", title: "System" },
  { id: "branding", title: "Branding" },
  { id: "outputs", title: "Outputs" },
] as const;

export type StepId = (typeof STEPS)[number]["id"];

export function Step(props: { id: StepId; intro?: React.ReactNode; children: React.ReactNode }) {
  const n = STEPS.findIndex((s) => s.id === props.id) + 1;
  const title = STEPS[n - 1]?.title ?? props.id;
  return (
    <section className="step" id={`step-${props.id}`} aria-labelledby={`step-${props.id}-title`}>
      <h2 id={`step-${props.id}-title`}>
        <span className="step-number">{n}</span> {title}
      </h2>
      {props.intro ? <p className="step-intro">{props.intro}</p> : null}
      {props.children}
    </section>
  );
}

export function StepNav() {
  return (
    <nav className="step-nav" aria-label="Configurator steps">
      <ol>
        {STEPS.map((s, i) => (
          <li key={s.id}>
            <a href={`#step-${s.id}`}>
              <span className="step-number">{i + 1}</span> {s.title}
            </a>
          </li>
        ))}
      </ol>
    </nav>
  );
}
