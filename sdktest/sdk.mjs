// Drives every Share endpoint through Pangea's published Node SDK against the server at BASE_URL.
// Exits non-zero on the first mismatch; TestPangeaNodeSDK runs it.
import assert from "node:assert/strict";
import { FileUploader, PangeaConfig, PangeaErrors, ShareService, TransferMethod, getFileUploadParams } from "pangea-node-sdk";

const share = new ShareService(process.env.TOKEN, new PangeaConfig({ baseUrlTemplate: process.env.BASE_URL }));
let passed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
  } catch (err) {
    console.error(`FAIL ${name}:`, err?.pangeaResponse ? JSON.stringify(err.pangeaResponse) : err);
    console.log(`${passed} passed, 1 failed`);
    process.exit(1);
  }
}

// Over 4 KiB: the SDK hands back attachedFiles[].file as the ArrayBuffer behind a Node Buffer, and
// smaller Buffers share a pooled ArrayBuffer holding unrelated bytes.
const content = "hello from the node sdk\n".repeat(300);
let bucket, folder, file, link;
await step("buckets", async () => {
  const r = await share.buckets();
  assert.equal(r.status, "Success");
  bucket = r.result.buckets.find((b) => b.default);
  assert.ok(bucket && bucket.id.startsWith("pro_"));
});
await step("folderCreate", async () => {
  const r = await share.folderCreate({ name: "SDK folder", metadata: { team: "qa" }, tags: ["sdk"] });
  folder = r.result.object;
  assert.equal(folder.type, "folder");
  assert.equal(folder.folder, "/");
});
await step("put multipart", async () => {
  const r = await share.put(
    { name: "hello.txt", parent_id: folder.id, transfer_method: TransferMethod.MULTIPART },
    { file: Buffer.from(content), name: "hello.txt" },
  );
  file = r.result.object;
  assert.equal(file.size, content.length);
  assert.equal(file.folder, "/SDK folder");
});
// Over 1 MiB, sent with a Content-Length: the JSON limit is the request part's alone.
const big = Buffer.alloc((1 << 20) + 4097, "b");
await step("put default (multipart with crc32c, sha256 and size, over 1 MiB)", async () => {
  const r = await share.put({ name: "big.bin", parent_id: folder.id, file_ttl: "30d" }, { file: big, name: "big.bin" });
  assert.equal(r.result.object.size, big.length);
  assert.equal(r.result.object.file_ttl, "30d");
  assert.equal(r.result.object.file_ttl_from_id, r.result.object.id);
});
await step("put post-url (upload URL, then polling /request/{id})", async () => {
  const r = await share.put({ name: "posted.bin", parent_id: folder.id, transfer_method: TransferMethod.POST_URL }, { file: big, name: "posted.bin" });
  assert.equal(r.status, "Success");
  assert.equal(r.result.object.name, "posted.bin");
  assert.equal(r.result.object.size, big.length);
});
for (const method of [TransferMethod.PUT_URL, TransferMethod.POST_URL]) {
  await step(`requestUploadURL ${method} + FileUploader + pollResult`, async () => {
    const params = getFileUploadParams(big);
    const name = `uploaded-${method}.bin`;
    const r = await share.requestUploadURL({ name, parent_id: folder.id, transfer_method: method, ...params });
    const url = method === TransferMethod.PUT_URL ? r.accepted_result.put_url : r.accepted_result.post_url;
    const details = method === TransferMethod.POST_URL ? r.accepted_result.post_form_data : undefined;
    await new FileUploader().uploadFile(url, { file: big, name, file_details: details }, { transfer_method: method });
    const done = await share.pollResult(r.request_id);
    assert.equal(done.result.object.name, name);
    assert.equal(done.result.object.sha256, params.sha256);
    // Single use: the SDK reports the refusal (PresignedUploadError for PUT, the envelope's NotFound for POST).
    // A presigned URL of the bucket (direct uploads) takes a second upload; it never becomes an object.
    if (process.env.DIRECT_UPLOADS !== "true") {
      await assert.rejects(new FileUploader().uploadFile(url, { file: big, name, file_details: details }, { transfer_method: method }),
        (err) => err instanceof PangeaErrors.PresignedUploadError || err instanceof PangeaErrors.NotFound);
    }
  });
}
await step("wrong crc32c refused", async () => {
  await assert.rejects(share.put({ name: "crc.bin", crc32c: "00000000", transfer_method: TransferMethod.MULTIPART }, { file: big, name: "crc.bin" }),
    (err) => err instanceof PangeaErrors.ValidationError);
});
await step("numeric filters as strings", async () => {
  const r = await share.list({ filter: { folder: "/SDK folder", size__gt: "1048576" }, size: "10" });
  assert.equal(r.result.count, 4);
});
await step("cleanup uploads", async () => {
  const r = await share.list({ filter: { folder: "/SDK folder", size__gt: "1048576" } });
  for (const o of r.result.objects) await share.delete({ id: o.id });
});
await step("getItem multipart", async () => {
  const r = await share.getItem({ id: file.id, transfer_method: TransferMethod.MULTIPART });
  assert.equal(r.result.object.id, file.id);
  assert.equal(r.attachedFiles.length, 1);
  assert.equal(Buffer.from(r.attachedFiles[0].file).toString(), content);
});
await step("getItem dest-url", async () => {
  const r = await share.getItem({ id: file.id, transfer_method: TransferMethod.DEST_URL });
  const body = await (await fetch(r.result.dest_url)).text();
  assert.equal(body, content);
});
await step("list", async () => {
  const r = await share.list({ filter: { folder: "/SDK folder" } });
  assert.equal(r.result.count, 1);
  assert.equal(r.result.objects[0].name, "hello.txt");
});
await step("update", async () => {
  const r = await share.update({ id: file.id, name: "renamed.txt", add_tags: ["x"] });
  assert.equal(r.result.object.name, "renamed.txt");
  assert.deepEqual(r.result.object.tags, ["x"]);
});
await step("getArchive multipart", async () => {
  const r = await share.getArchive({ ids: [folder.id], format: "zip", transfer_method: TransferMethod.MULTIPART });
  // Every object in the archive: the folder and its file.
  assert.equal(r.result.count, 2);
  assert.deepEqual(r.result.objects.map((o) => o.id).sort(), [folder.id, file.id].sort());
  assert.equal(r.attachedFiles.length, 1);
  assert.equal(r.attachedFiles[0].filename, "archive.zip");
});
await step("getArchive dest-url", async () => {
  const r = await share.getArchive({ ids: [folder.id], format: "tar", transfer_method: TransferMethod.DEST_URL });
  const res = await fetch(r.result.dest_url);
  assert.equal(res.status, 200);
});
await step("shareLinkCreate", async () => {
  const r = await share.shareLinkCreate({
    links: [{ targets: [folder.id], link_type: "editor", max_access_count: 3, title: "From the SDK",
      authenticators: [{ auth_type: "password", auth_context: "sdk-secret-123" }] }],
  });
  link = r.result.share_link_objects[0];
  assert.ok(link.id.startsWith("psl_"));
  assert.equal(link.authenticators[0].auth_context, "********");
  assert.ok(link.link.includes("/s/"));
});
await step("shareLinkGet", async () => {
  const r = await share.shareLinkGet({ id: link.id });
  assert.equal(r.result.share_link_object.title, "From the SDK");
});
await step("shareLinkList", async () => {
  const r = await share.shareLinkList({ filter: { link_type: "editor", title__contains: ["sdk"] }, order_by: "created_at", order: "desc", size: 10 });
  assert.equal(r.result.count, 1);
  assert.equal(r.result.share_link_objects[0].id, link.id);
});
await step("shareLinkSend", async () => {
  const r = await share.shareLinkSend({ links: [{ id: link.id, email: "recipient@example.com" }], sender_email: "sender@example.com", sender_name: "SDK" });
  assert.equal(r.result.share_link_objects[0].recipient_email, "recipient@example.com");
});
await step("shareLinkSend to a second address is Pangea's: recipient recorded, authenticators unchanged", async () => {
  const c = await share.shareLinkCreate({ links: [{ targets: [folder.id], authenticators: [{ auth_type: "email_otp", auth_context: "kim@example.com" }] }] });
  const l = c.result.share_link_objects[0];
  const r = await share.shareLinkSend({ links: [{ id: l.id, email: "kim@example.com" }, { id: l.id, email: "boss@example.com" }], sender_email: "sender@example.com" });
  assert.equal(r.result.share_link_objects[1].recipient_email, "boss@example.com");
  assert.deepEqual(r.result.share_link_objects[1].authenticators, [{ auth_type: "email_otp", auth_context: "kim@example.com" }]);
  const g = await share.shareLinkGet({ id: l.id });
  assert.deepEqual(g.result.share_link_object.authenticators, [{ auth_type: "email_otp", auth_context: "kim@example.com" }]);
});
await step("validation error surfaces", async () => {
  await assert.rejects(share.shareLinkList({ size: 0 }), (err) => err instanceof PangeaErrors.ValidationError);
});
await step("shareLinkDelete", async () => {
  const r = await share.shareLinkDelete({ ids: [link.id] });
  assert.equal(r.result.share_link_objects[0].id, link.id);
});
await step("delete force", async () => {
  const r = await share.delete({ id: folder.id, force: true });
  assert.equal(r.result.count, 2);
});
console.log(`${passed} passed, 0 failed`);
