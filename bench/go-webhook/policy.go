package main

import (
	"fmt"
	"strings"
)

// knownCapabilities is the kernel's list (Linux 6.x, CAP_CHOWN to CAP_CHECKPOINT_RESTORE).
var knownCapabilities = map[string]bool{
	"CHOWN": true, "DAC_OVERRIDE": true, "DAC_READ_SEARCH": true, "FOWNER": true,
	"FSETID": true, "KILL": true, "SETGID": true, "SETUID": true, "SETPCAP": true,
	"LINUX_IMMUTABLE": true, "NET_BIND_SERVICE": true, "NET_BROADCAST": true,
	"NET_ADMIN": true, "NET_RAW": true, "IPC_LOCK": true, "IPC_OWNER": true,
	"SYS_MODULE": true, "SYS_RAWIO": true, "SYS_CHROOT": true, "SYS_PTRACE": true,
	"SYS_PACCT": true, "SYS_ADMIN": true, "SYS_BOOT": true, "SYS_NICE": true,
	"SYS_RESOURCE": true, "SYS_TIME": true, "SYS_TTY_CONFIG": true, "MKNOD": true,
	"LEASE": true, "AUDIT_WRITE": true, "AUDIT_CONTROL": true, "SETFCAP": true,
	"MAC_OVERRIDE": true, "MAC_ADMIN": true, "SYSLOG": true, "WAKE_ALARM": true,
	"BLOCK_SUSPEND": true, "AUDIT_READ": true, "PERFMON": true, "BPF": true,
	"CHECKPOINT_RESTORE": true,
}

var allowedCapabilities = []string{"NET_BIND_SERVICE", "CHOWN", "SETUID", "SETGID"}

type Capabilities struct {
	Add  []string `json:"add"`
	Drop []string `json:"drop"`
}

type SecurityContext struct {
	Privileged   *bool         `json:"privileged"`
	Capabilities *Capabilities `json:"capabilities"`
}

type Container struct {
	Name            string           `json:"name"`
	SecurityContext *SecurityContext `json:"securityContext"`
}

type PodSpec struct {
	OS *struct {
		Name string `json:"name"`
	} `json:"os"`
	Containers          []Container `json:"containers"`
	InitContainers      []Container `json:"initContainers"`
	EphemeralContainers []Container `json:"ephemeralContainers"`
}

// Violation is keyed by list, container, rule and capability so that an UPDATE
// can tell violations it introduces from ones the old object already had.
type Violation struct {
	List       string
	Container  string
	Rule       string
	Capability string
	Message    string
}

func (v Violation) key() string {
	return v.List + "\x00" + v.Container + "\x00" + v.Rule + "\x00" + v.Capability
}

// checkPodSpec returns the violations of spec; path is where the spec sits in the object.
func checkPodSpec(object, path string, spec *PodSpec) []Violation {
	if spec == nil {
		return nil
	}
	var violations []Violation
	lists := []struct {
		name       string
		containers []Container
	}{
		{"containers", spec.Containers},
		{"initContainers", spec.InitContainers},
		{"ephemeralContainers", spec.EphemeralContainers},
	}
	for _, list := range lists {
		for i, c := range list.containers {
			where := fmt.Sprintf("%s.%s[%d]", path, list.name, i)
			violations = append(violations, checkContainer(object, list.name, where, c)...)
		}
	}
	return violations
}

func checkContainer(object, list, where string, c Container) []Violation {
	var violations []Violation
	add := func(rule, capability, text string) {
		violations = append(violations, Violation{
			List: list, Container: c.Name, Rule: rule, Capability: capability,
			Message: fmt.Sprintf("%s: container %q (%s) %s", object, c.Name, where, text),
		})
	}

	var caps Capabilities
	if c.SecurityContext != nil {
		if c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged {
			add("privileged", "", "is privileged, which grants every capability: remove securityContext.privileged: true")
		}
		if c.SecurityContext.Capabilities != nil {
			caps = *c.SecurityContext.Capabilities
		}
	}

	switch dropsAll, wroteCapAll := dropState(caps.Drop); {
	case dropsAll:
	case wroteCapAll:
		add("drop", "", `drops CAP_ALL, which no runtime reads as ALL: write securityContext.capabilities.drop: ["ALL"]`)
	default:
		add("drop", "", `must drop ALL capabilities: add securityContext.capabilities.drop: ["ALL"]`)
	}

	for _, name := range caps.Add {
		// Runtimes upper-case the name and strip one CAP_ prefix before looking it up.
		normalized := strings.TrimPrefix(strings.ToUpper(name), "CAP_")
		switch {
		case normalized == "ALL":
			add("add", normalized, "adds ALL capabilities, which is never allowed")
		case !knownCapabilities[normalized]:
			add("add", normalized, fmt.Sprintf("adds %q, which is not a known Linux capability", name))
		case !isAllowed(normalized):
			add("add", normalized, fmt.Sprintf("adds %s, which is not allowed (allowed: %s)",
				normalized, strings.Join(allowedCapabilities, ", ")))
		}
	}
	return violations
}

// dropState reports whether drop contains ALL (any case: containerd and CRI-O
// compare it that way) and whether it holds CAP_ALL, which no runtime accepts.
func dropState(drop []string) (dropsAll, wroteCapAll bool) {
	for _, name := range drop {
		if strings.EqualFold(name, "ALL") {
			dropsAll = true
		}
		if strings.EqualFold(name, "CAP_ALL") {
			wroteCapAll = true
		}
	}
	return dropsAll, wroteCapAll
}

func isAllowed(capability string) bool {
	for _, allowed := range allowedCapabilities {
		if capability == allowed {
			return true
		}
	}
	return false
}
