import { redirect } from "next/navigation";
import { currentUser } from "@/server/api/server";

export const dynamic = "force-dynamic";

export default async function Index() {
  redirect((await currentUser()) ? "/home" : "/signin");
}
