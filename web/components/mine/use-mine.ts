"use client";
// Asks the server about this browser's schematic IDs (local storage), again when the query changes.
import { useEffect, useState } from "react";
import { listMine, type Mine, type MineQuery } from "../../lib/actions/list-mine.ts";
import { myIds } from "../../lib/view/mine.ts";

export function useMine(query: Omit<MineQuery, "ids">, version = 0): Mine | "loading" | "none" {
  const [result, setResult] = useState<Mine | "loading" | "none">("loading");
  const { status, schematic, page } = query;
  useEffect(() => {
    const ids = myIds(window.localStorage);
    if (ids.length === 0) {
      setResult("none");
      return;
    }
    let current = true;
    listMine({ ids, status, schematic, page }).then(
      (r) => current && setResult(r),
      () => current && setResult({ ok: false, message: "The server did not answer; try again." }),
    );
    return () => {
      current = false;
    };
  }, [status, schematic, page, version]);
  return result;
}
