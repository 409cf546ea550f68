import type { Metadata } from "next";
import { MyBuilds } from "../../components/mine/my-builds.tsx";

export const metadata: Metadata = { title: "Builds" };

export default function BuildsPage() {
  return (
    <>
      <h1 className="page-title">Builds</h1>
      <p className="page-subtitle">The builds of the schematics made in this browser, newest first.</p>
      <MyBuilds />
    </>
  );
}
