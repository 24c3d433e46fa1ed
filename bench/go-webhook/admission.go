package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

type UserInfo struct {
	Username string `json:"username"`
}

type AdmissionRequest struct {
	UID         string           `json:"uid"`
	Kind        GroupVersionKind `json:"kind"`
	SubResource string           `json:"subResource"`
	Namespace   string           `json:"namespace"`
	Name        string           `json:"name"`
	Operation   string           `json:"operation"`
	UserInfo    UserInfo         `json:"userInfo"`
	Object      json.RawMessage  `json:"object"`
	OldObject   json.RawMessage  `json:"oldObject"`
}

type Status struct {
	Code    int    `json:"code,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

type AdmissionResponse struct {
	UID      string   `json:"uid"`
	Allowed  bool     `json:"allowed"`
	Status   *Status  `json:"status,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

type AdmissionReview struct {
	APIVersion string             `json:"apiVersion"`
	Kind       string             `json:"kind"`
	Request    *AdmissionRequest  `json:"request,omitempty"`
	Response   *AdmissionResponse `json:"response,omitempty"`
}

type PodTemplateSpec struct {
	Spec *PodSpec `json:"spec"`
}

// workload holds every place a pod spec can sit; which one counts depends on the kind.
type workload struct {
	Spec struct {
		PodSpec
		Template    *PodTemplateSpec `json:"template"`
		JobTemplate *struct {
			Spec struct {
				Template *PodTemplateSpec `json:"template"`
			} `json:"spec"`
		} `json:"jobTemplate"`
	} `json:"spec"`
	Template *PodTemplateSpec `json:"template"`
}

func (w *workload) podSpec(kind string) (*PodSpec, string) {
	switch kind {
	case "Pod":
		return &w.Spec.PodSpec, "spec"
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController":
		if w.Spec.Template != nil {
			return w.Spec.Template.Spec, "spec.template.spec"
		}
	case "CronJob":
		if w.Spec.JobTemplate != nil && w.Spec.JobTemplate.Spec.Template != nil {
			return w.Spec.JobTemplate.Spec.Template.Spec, "spec.jobTemplate.spec.template.spec"
		}
	case "PodTemplate":
		if w.Template != nil {
			return w.Template.Spec, "template.spec"
		}
	}
	return nil, ""
}

var errBadReview = errors.New("bad AdmissionReview")

func decodeReview(body []byte) (*AdmissionReview, error) {
	var review AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return nil, fmt.Errorf("%w: %v", errBadReview, err)
	}
	if review.Kind != "AdmissionReview" {
		return nil, fmt.Errorf("%w: kind is %q, not AdmissionReview", errBadReview, review.Kind)
	}
	if review.Request == nil {
		return nil, fmt.Errorf("%w: no request", errBadReview)
	}
	if review.Request.UID == "" {
		return nil, fmt.Errorf("%w: no request.uid", errBadReview)
	}
	return &review, nil
}

// objectViolations evaluates raw as an object of the request's kind. Kinds
// without a pod spec and Windows pods (no Linux capabilities) have none.
func objectViolations(req *AdmissionRequest, raw json.RawMessage) ([]Violation, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var w workload
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("%w: object: %v", errBadReview, err)
	}
	spec, path := w.podSpec(req.Kind.Kind)
	if spec == nil || (spec.OS != nil && spec.OS.Name == "windows") {
		return nil, nil
	}
	object := fmt.Sprintf("%s %s/%s", req.Kind.Kind, req.Namespace, req.Name)
	return checkPodSpec(object, path, spec), nil
}

func admit(req *AdmissionRequest) (*AdmissionResponse, error) {
	resp := &AdmissionResponse{UID: req.UID, Allowed: true}
	if req.Operation == "DELETE" || req.Operation == "CONNECT" {
		return resp, nil
	}
	violations, err := objectViolations(req, req.Object)
	if err != nil {
		return nil, err
	}
	if req.Operation == "UPDATE" {
		old, err := objectViolations(req, req.OldObject)
		if err != nil {
			return nil, err
		}
		var existing []Violation
		violations, existing = splitNew(violations, old)
		// An update that only carries old violations must pass, or cleanup of
		// objects admitted before the policy deadlocks; it still says what is wrong.
		for _, v := range existing {
			resp.Warnings = append(resp.Warnings, v.Message)
		}
	}
	if len(violations) > 0 {
		messages := make([]string, len(violations))
		for i, v := range violations {
			messages[i] = v.Message
		}
		resp.Allowed = false
		resp.Status = &Status{Code: 403, Reason: "Forbidden", Message: strings.Join(messages, "\n")}
	}
	return resp, nil
}

func splitNew(current, old []Violation) (fresh, existing []Violation) {
	seen := make(map[string]bool, len(old))
	for _, v := range old {
		seen[v.key()] = true
	}
	for _, v := range current {
		if seen[v.key()] {
			existing = append(existing, v)
		} else {
			fresh = append(fresh, v)
		}
	}
	return fresh, existing
}
