-- Posts a 3 KB JSON body shaped like a small pod review; with CLOSE set, asks for a new connection each time.
local containers = {}
for i = 1, 12 do
  containers[#containers + 1] = string.format(
    '{"name":"container-%02d","image":"registry.example.com/team/app:%d.0.0",' ..
    '"securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]},"runAsNonRoot":true}}', i, i)
end
local body = '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",' ..
  '"kind":{"group":"","version":"v1","kind":"Pod"},"operation":"CREATE","object":{"spec":{"containers":[' ..
  table.concat(containers, ",") .. ']}}}}'

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
if os.getenv("CLOSE") then
  wrk.headers["Connection"] = "close"
end

function init(args)
  io.stderr:write(string.format("body: %d bytes\n", #body))
end
