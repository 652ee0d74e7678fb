"use client";
import { Skeleton } from "antd";

/** Shown while the survey bundle loads: the shape of a form (title, questions, a button). */
export function SurveySkeleton() {
  return (
    <div data-testid="survey-loading" aria-busy="true"
      style={{ background: "#fff", borderRadius: 6, padding: "20px 16px", maxWidth: 860, margin: "0 auto" }}>
      <Skeleton.Input active size="large" style={{ width: 220, maxWidth: "100%" }} />
      {[0, 1, 2].map((i) => (
        <div key={i} style={{ marginTop: 24 }}>
          <Skeleton active title={{ width: "70%" }} paragraph={{ rows: 3, width: ["40%", "45%", "35%"] }} />
        </div>
      ))}
      <Skeleton.Button active size="large" style={{ marginTop: 24, width: 120 }} />
    </div>
  );
}
