import type { Metadata } from "next";
import { MySchematics } from "../../components/mine/my-schematics.tsx";

export const metadata: Metadata = { title: "Schematics" };

export default function SchematicsPage() {
  return (
    <>
      <h1 className="page-title">Schematics</h1>
      <p className="page-subtitle">The schematics made in this browser (kept in its local storage).</p>
      <MySchematics />
    </>
  );
}
