import type { Metadata, Viewport } from "next";
import { SiteHeader } from "../components/layout/site-header.tsx";
import { TokenGate } from "../components/layout/token-gate.tsx";
import "./styles/base.css";
import "./styles/configurator.css";
import "./styles/pages.css";

export const metadata: Metadata = {
  title: { default: "Brokkr", template: "%s · Brokkr" },
  description: "Configure, build and boot Debian images: rootless, declarative, reproducible.",
};

export const viewport: Viewport = { colorScheme: "dark", themeColor: "#0f1216" };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main">
          <TokenGate />
          {children}
        </main>
      </body>
    </html>
  );
}
