// TEMPORARY development page (to be deleted): renders /tmp/svdev/<key>.json.
import { readFileSync } from "node:fs";
import { PreviewView } from "../PreviewView";

export default async function DevPreview({ searchParams }: { searchParams: Promise<{ key?: string }> }) {
  const key = (await searchParams).key ?? "sample";
  const file = JSON.parse(readFileSync(`/tmp/svdev/${key.replace(/[^a-z0-9_]/g, "")}.json`, "utf8"));
  return <PreviewView version={{ id: 1, version: 1, status: "draft", instrumentId: 1, name: file.name, survey: file.survey }} />;
}
