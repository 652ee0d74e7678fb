// Shown while the survey bundle loads: the shape of a form (title, questions, a button).
// Plain elements and CSS (survey-skeleton.css), so the pages that show it need no UI kit.
import "./survey-skeleton.css";

export function SurveySkeleton() {
  return (
    <div data-testid="survey-loading" aria-busy="true" className="tqe-skeleton">
      <div className="tqe-skeleton__bar tqe-skeleton__title" />
      {[0, 1, 2].map((i) => (
        <div key={i} className="tqe-skeleton__question">
          <div className="tqe-skeleton__bar" style={{ width: "70%" }} />
          {["40%", "45%", "35%"].map((w) => (
            <div key={w} className="tqe-skeleton__bar tqe-skeleton__line" style={{ width: w }} />
          ))}
        </div>
      ))}
      <div className="tqe-skeleton__bar tqe-skeleton__button" />
    </div>
  );
}
