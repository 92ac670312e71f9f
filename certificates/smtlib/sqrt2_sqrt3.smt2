; Example for `nncert import`: a QF_NRA problem whose only solution is irrational,
;   x = sqrt(2), y = sqrt(3), |x+y| = sqrt(2) + sqrt(3), r = 1/10.
; The model of z3 (sqrt2_sqrt3.z3-model beside this file, made by
; `z3 sqrt2_sqrt3.smt2`) gives three different algebraic numbers; the importer writes
; them in one field Q(theta) with theta = sqrt(2) + sqrt(3).
(set-logic QF_NRA)
(set-option :produce-models true)
(declare-fun x () Real)
(declare-fun y () Real)
(declare-const |x+y| Real)
(declare-const r Real)
(define-fun pos ((t Real)) Bool (> t 0))
(assert (and (= (* x x) 2) (pos x)))
(assert (let ((y2 (* y y))) (and (= y2 3.0) (pos y))))
(assert (= |x+y| (+ x y)))
(assert (= (* 10 r) 1))
(assert (distinct x y r))
(check-sat)
(get-model)
