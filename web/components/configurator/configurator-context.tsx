"use client";
// The configurator's state: one spec (defaults applied), the catalog, and the verdict of the
// live check. Steps read and change it through useConfigurator() instead of props.
import { createContext, useCallback, useContext, useMemo, useState } from "react";
import type { Catalog } from "@brokkr/composer/browser";
import type { Problem } from "@brokkr/composer/browser";
import type { ImageSpec } from "@brokkr/composer/browser";
import { type CatalogData, toCatalog } from "../../lib/data/catalog-data.ts";
import { checkInBrowser } from "../../lib/spec/check-spec.ts";
import { specFromAddressBar, useFormUrl } from "./use-form-url.ts";

export interface ConfiguratorState {
  spec: ImageSpec;
  catalog: Catalog;
  catalogData: CatalogData;
  problems: Problem[];
  /** The spec with defaults, present only when it is valid. */
  valid: ImageSpec | undefined;
  /** Changes a deep copy of the spec; the copy becomes the new state. */
  update: (change: (draft: ImageSpec) => void) => void;
  replace: (spec: ImageSpec) => void;
}

const Context = createContext<ConfiguratorState | null>(null);

export function ConfiguratorProvider(props: {
  catalogData: CatalogData;
  initialSpec: ImageSpec;
  children: React.ReactNode;
}) {
  // The address bar first: after "Try again" or the back button the props are the first render's.
  const [spec, setSpec] = useState(() => specFromAddressBar() ?? props.initialSpec);
  useFormUrl(spec, setSpec);
  const catalog = useMemo(() => toCatalog(props.catalogData), [props.catalogData]);
  const check = useMemo(() => checkInBrowser(spec, catalog), [spec, catalog]);
  const update = useCallback((change: (draft: ImageSpec) => void) => {
    setSpec((current) => {
      const draft = structuredClone(current);
      change(draft);
      return draft;
    });
  }, []);
  const value = useMemo(
    () => ({
      spec,
      catalog,
      catalogData: props.catalogData,
      problems: check.problems,
      valid: check.spec,
      update,
      replace: setSpec,
    }),
    [spec, catalog, props.catalogData, check, update],
  );
  return <Context value={value}>{props.children}</Context>;
}

export function useConfigurator(): ConfiguratorState {
  const state = useContext(Context);
  if (!state) throw new Error("useConfigurator outside ConfiguratorProvider");
  return state;
}

/** Problems at `path` or inside it (`system.users[0]` holds `system.users[0].name`). */
export function problemsAt(problems: readonly Problem[], path: string, exact = false): Problem[] {
  return problems.filter(
    (p) => p.path === path || (!exact && (p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`))),
  );
}
