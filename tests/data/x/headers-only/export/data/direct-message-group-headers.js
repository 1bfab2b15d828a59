window.YTD.direct_message_group_headers.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1290000000000000555",
      "messages" : [
        {
          "messageCreate" : {
            "id" : "1256000000000000005",
            "senderId" : "2222",
            "createdAt" : "2020-05-03T17:54:00.000Z"
          }
        },
        {
          "joinConversation" : {
            "initiatingUserId" : "2222",
            "participantsSnapshot" : [ "1111", "2222", "3333" ],
            "createdAt" : "2020-05-03T17:50:00.000Z"
          }
        }
      ]
    }
  }
]
