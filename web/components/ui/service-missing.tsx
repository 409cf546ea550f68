export function ServiceMissing() {
  return (
    <div className="card" role="status">
      <h2>The image service is not running</h2>
      <p className="muted">
        This page needs the Brokkr server: start it with <code>npm start</code> or{" "}
        <code>node web/server/main.ts</code> rather than <code>next start</code>.
      </p>
    </div>
  );
}
