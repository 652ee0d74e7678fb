import { getTranslations } from "next-intl/server";
import { InvitationView } from "./InvitationView";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.invitation"))("title"), robots: { index: false, follow: false } };
}

// An alumnus' or employer contact's personal link (server/invitations). Public: the link is
// the credential; it is used up when its anonymous token is obtained.
export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  return <InvitationView token={token} />;
}
