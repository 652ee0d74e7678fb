"use client";
// The admin shell around the home page of everyone but a student alone. /home is one
// address for every role, and a layout's client components are all fetched with it: the
// admin shell and the staff home come through next/dynamic (rendered on the server as
// usual), so that their code, Ant Design's and the catalogue's are fetched only when they
// are rendered, never by a student's home.
import dynamic from "next/dynamic";

export const StaffChrome = dynamic(() => import("./StaffChromeImpl"));
export const StaffHome = dynamic(() => import("./HomeView").then((m) => m.HomeView));
