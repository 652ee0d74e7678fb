"use client";
// The admin shell around the home page of everyone but a student alone. /home is one
// address for every role, and a layout's client components are all fetched with it: the
// admin shell and the staff home are React.lazy parts (rendered on the server as usual,
// their code fetched by the browser when it hydrates them), so that their code, Ant
// Design's and the catalogue's are fetched only where they are rendered, never by a
// student's home. (Not next/dynamic: its preload tags name chunks that next start
// does not serve, 404s in the console of every staff home.)
import { lazy, Suspense, type ComponentProps } from "react";

const Chrome = lazy(() => import("./StaffChromeImpl"));
const Home = lazy(() => import("./HomeView").then((m) => ({ default: m.HomeView })));

export function StaffChrome(props: ComponentProps<typeof Chrome>) {
  return (
    <Suspense fallback={null}>
      <Chrome {...props} />
    </Suspense>
  );
}

export function StaffHome(props: ComponentProps<typeof Home>) {
  return (
    <Suspense fallback={null}>
      <Home {...props} />
    </Suspense>
  );
}
