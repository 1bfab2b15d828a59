window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "1111",
    "userName" : "samw",
    "displayName" : "Sam Weber"
  },
  "archiveInfo" : {
    "sizeBytes" : "14578",
    "generationDate" : "2024-06-10T09:21:47.114Z",
    "isPartialArchive" : false,
    "maxPartSizeBytes" : "53687091200"
  }
}
